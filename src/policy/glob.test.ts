import { describe, it, expect } from 'vitest';
import { globMatch, literalLength } from './glob';

describe('globMatch', () => {
  it.each([
    ['read_file', 'read_file', true],
    ['read_file', 'read_file_x', false],
    ['read_file', 'xread_file', false],
    ['read_*', 'read_file', true],
    ['read_*', 'read_', true],
    ['read_*', 'read', false],
    ['*', 'anything-at.all', true],
    ['*', '', true],
    ['*_file', 'write_file', true],
    ['read_?ile', 'read_file', true],
    ['read_?ile', 'read_ile', false],
    ['Read_file', 'read_file', false],
    ['read.file', 'readXfile', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x)|[y]', '(x)|[y]', true],
    ['get-*', 'get-env', true],
    ['*delete*', 'bulk_delete_files', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['tool\\x', 'tool\\x', true],
  ])('%j matches %j: %s', (glob, name, expected) => {
    expect(globMatch(glob, name)).toBe(expected);
  });

  it('counts literal characters', () => {
    expect(literalLength('read_*')).toBe(5);
    expect(literalLength('*')).toBe(0);
  });
});
