// A rule's line on the command line words its duration as the app does.
import { afterAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../contract/types';
import { removeTempDirs, tempStore } from '../../store/testSupport';
import { describeRule } from './rules';

afterAll(removeTempDirs);

const NOW = Date.UTC(2026, 11, 1, 14, 0);
const MIN = 60_000;

function rule(over: Partial<Rule>): Rule {
  return {
    id: 3,
    serverId: null,
    tool: 'read_file',
    conditions: [],
    action: 'allow',
    expiry: { kind: 'forever' },
    riskCeiling: 'medium',
    note: '',
    enabled: true,
    origin: 'manual',
    createdAt: NOW,
    ...over,
  };
}

describe('describeRule', () => {
  const { store } = tempStore();
  const line = (over: Partial<Rule>, now = NOW) => describeRule(rule(over), store, now);

  it('words each duration as the app does', () => {
    expect(line({})).toBe('3  allow read_file on any server up to medium risk, always  [manual]');
    expect(line({ expiry: { kind: 'until', at: NOW + 15 * MIN } })).toBe(
      '3  allow read_file on any server up to medium risk, for 15 minutes (until 2026-12-01 14:15Z)  [manual]',
    );
    expect(line({ expiry: { kind: 'until', at: NOW + 60 * MIN } }, NOW + 5 * MIN)).toContain(
      ', for 1 hour (until 2026-12-01 15:00Z)',
    );
    expect(line({ expiry: { kind: 'session', sessionId: 's1' }, action: 'deny' })).toBe(
      '3  deny read_file on any server, until the host restarts  [manual]',
    );
  });

  it('says when an end time has passed, and shows an end time set by hand as it is', () => {
    expect(line({ expiry: { kind: 'until', at: NOW + 60 * MIN } }, NOW + 61 * MIN)).toContain(
      ', expired (2026-12-01 15:00Z)',
    );
    expect(line({ expiry: { kind: 'until', at: NOW + 300 * MIN } })).toContain(
      ', until 2026-12-01 19:00Z',
    );
  });
});
