import { describe, expect, it } from 'vitest';
import { RecordBacklog, writeFailureCause } from './recordBacklog';

describe('RecordBacklog', () => {
  it('writes in order, stops at the first refusal, and resumes from there', () => {
    const written: string[] = [];
    let refuse = true;
    const lines: string[] = [];
    const backlog = new RecordBacklog((l) => lines.push(l), 60_000);
    const write = (name: string) => () => {
      if (refuse && name === 'b') throw Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
      written.push(name);
    };
    backlog.add('a', write('a'));
    backlog.add('b', write('b'));
    backlog.add('c', write('c'));
    expect(backlog.retry()).toBe(2);
    expect(written).toEqual(['a']);
    refuse = false;
    expect(backlog.retry()).toBe(0);
    expect(written).toEqual(['a', 'b', 'c']);
    expect(lines).toEqual(['recorded at last: a', 'recorded at last: b', 'recorded at last: c']);
    backlog.close();
    backlog.add('d', write('d'));
    expect(backlog.size).toBe(0);
    expect(lines.at(-1)).toBe('could not record d: the gate has stopped');
  });

  it('names the causes a person can act on', () => {
    expect(writeFailureCause(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(
      'the database is locked by another process',
    );
    expect(writeFailureCause(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe(
      'the disk is full',
    );
    expect(writeFailureCause(new Error('something else'))).toBe('something else');
  });
});
