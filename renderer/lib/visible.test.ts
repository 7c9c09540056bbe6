import { describe, it, expect } from 'vitest';
import { countInvisible, escapeInvisible, visibleSegments } from './visible';

describe('escapeInvisible', () => {
  it('leaves ordinary text, tabs and newlines alone', () => {
    const text = 'héllo wörld\n\tdone 日本 🙂';
    expect(escapeInvisible(text)).toBe(text);
  });

  it('shows bidi overrides and isolates', () => {
    expect(escapeInvisible('abc\u202Edcba')).toBe('abc<U+202E>dcba');
    expect(escapeInvisible('\u2066x\u2069')).toBe('<U+2066>x<U+2069>');
  });

  it('shows zero-width characters and the BOM', () => {
    expect(escapeInvisible('a\u200Bb\u200Dc\uFEFF')).toBe('a<U+200B>b<U+200D>c<U+FEFF>');
  });

  it('shows control characters, with names for the common ones', () => {
    expect(escapeInvisible('x\u001b[31my\r\u0007\u0000')).toBe('x\\e[31my\\r<U+0007>\\0');
    expect(escapeInvisible('\u0085')).toBe('<U+0085>');
  });

  it('shows Unicode tag characters (invisible prompt smuggling) one by one', () => {
    const tagged = 'ok' + String.fromCodePoint(0xe0041, 0xe0042);
    expect(escapeInvisible(tagged)).toBe('ok<U+E0041><U+E0042>');
  });

  it('marks escapes as such, so they can be styled apart from literal text', () => {
    expect(visibleSegments('a\u200Bb')).toEqual([
      { text: 'a', escaped: false },
      { text: '<U+200B>', escaped: true },
      { text: 'b', escaped: false },
    ]);
    expect(countInvisible('literal <U+200B> text')).toBe(0);
    expect(countInvisible('\u202A\u202B')).toBe(2);
  });
});
