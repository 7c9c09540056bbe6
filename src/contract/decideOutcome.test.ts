import { describe, expect, it } from 'vitest';
import { notRecordedMessage } from './decideOutcome';

describe('notRecordedMessage', () => {
  it('says nothing when every decision was recorded', () => {
    expect(notRecordedMessage('approve', { notRecorded: [] })).toBeNull();
  });

  it('says an approval that could not be recorded was a denial, with the real cause', () => {
    expect(
      notRecordedMessage('approve', {
        notRecorded: [{ id: 7, cause: 'the database is locked by another process' }],
      }),
    ).toBe(
      'Call 7 was denied: your approval could not be recorded (the database is locked by another process). Its record will say so once the database takes writes again.',
    );
  });

  it('counts several calls and names each cause once', () => {
    const msg = notRecordedMessage('deny', {
      notRecorded: [
        { id: 1, cause: 'the disk is full' },
        { id: 2, cause: 'the disk is full' },
      ],
    });
    expect(msg).toBe(
      '2 calls were denied: your decision could not be recorded (the disk is full). Its record will say so once the database takes writes again.',
    );
  });
});
