import { describe, expect, it } from 'vitest';
import { queueFull, MAX_WAITING_PER_SERVER, MAX_WAITING_TOTAL } from './floodBounds';

describe('queueFull', () => {
  const broker = (size: number, forServer: number) => ({
    size,
    waitingFor: () => forServer,
  });
  it('lets a call wait below both bounds', () => {
    expect(queueFull(broker(MAX_WAITING_TOTAL - 1, MAX_WAITING_PER_SERVER - 1), 1, 's')).toBeNull();
  });
  it('says which bound is reached', () => {
    expect(queueFull(broker(10, MAX_WAITING_PER_SERVER), 1, 's')).toMatch(/from this server/);
    expect(queueFull(broker(MAX_WAITING_TOTAL, 0), 1, 's')).toMatch(/in all/);
  });
});
