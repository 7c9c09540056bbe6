import { describe, expect, it } from 'vitest';
import { initialTab } from './ui';

describe('initialTab', () => {
  it('opens the view the URL names (a notification opens #servers), else Pending', () => {
    expect(initialTab('#servers')).toBe('servers');
    expect(initialTab('#history')).toBe('history');
    expect(initialTab('')).toBe('pending');
    expect(initialTab('#popup')).toBe('pending');
    expect(initialTab('#constructor')).toBe('pending');
  });
});
