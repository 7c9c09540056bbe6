// A flood costs the gate's listeners once per turn of the event loop, not once per call: the
// waiting list is announced once for a burst of held calls, history rows written together go
// out in one event, and the settings are read once per turn yet a change is seen at once.
// A real gate on a real socket and SQLite file; the "shim" is an authenticated test client.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePath } from '../core/dataDir';
import { openStore } from '../store/store';
import type { HistoryRow } from '../contract/types';
import { tempDir, waitFor } from '../testing/harness';
import { connectGate, type GateConnection } from '../link/client';
import { checkGateMessage } from '../link/wireCheck';
import { MAX_WAITING_PER_SERVER } from './callDesk';
import { startGateService, type GateService } from './service';
import type { GateMessage } from './wire';

let dataDir: string;
let gate: GateService;
let shim: GateConnection<GateMessage>;

beforeEach(async () => {
  dataDir = tempDir();
  gate = await startGateService({ dataDir });
  shim = await connectGate(dataDir, 'shim', 5_000, checkGateMessage);
  shim.channel.send({
    t: 'session',
    server: 'flood',
    host: 'test-host',
    command: '/usr/bin/node',
    args: ['server.js'],
    cwd: dataDir,
    pid: 1,
    commandPath: '/usr/bin/node',
    codeEnv: {},
  });
  await waitFor(() => gate.sessions()[0]?.serverId != null, 5_000, 'the session');
});

afterEach(async () => {
  shim.channel.close('done');
  await gate.close();
});

let seq = 0;
function callLine(): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: ++seq,
    method: 'tools/call',
    params: { name: 'write_file', arguments: { path: `/tmp/flood-${seq}`, content: 'x' } },
  });
}

describe('a burst of calls', () => {
  it('announces the waiting list once per turn, not once per held call', async () => {
    let announcements = 0;
    gate.on('pending-changed', () => announcements++);
    // Sent in one write (the channel corks what is sent in one turn): the gate reads them
    // together, as it reads a flood.
    for (let i = 0; i < MAX_WAITING_PER_SERVER; i++) {
      const line = callLine();
      shim.channel.send({
        t: 'ask',
        rid: seq,
        line,
        digest: createHash('sha256').update(line).digest('hex'),
      });
    }
    await waitFor(() => gate.pending().length === MAX_WAITING_PER_SERVER, 10_000, 'held');
    await waitFor(() => announcements > 0, 5_000, 'the announcement');
    // One per socket read that held calls (a read carries many); each held call used to make one.
    expect(announcements).toBeLessThanOrEqual(5);
    // And the listener saw the whole list, not a part of it.
    let listed = 0;
    gate.once('pending-changed', () => (listed = gate.pending().length));
    gate.broker.interruptAll('test over');
    await waitFor(() => listed === 0 && gate.pending().length === 0, 5_000, 'the empty list');
  });

  it('announces history rows written together in one event', async () => {
    const events: HistoryRow[][] = [];
    gate.on('history-appended', (rows) => events.push(rows));
    // Calls the shim denied while the gate was away: recorded in one transaction.
    const calls = Array.from({ length: 30 }, (_, i) => ({
      at: Date.now() - 1000 + i,
      line: callLine(),
      reason: 'the app was not running',
    }));
    shim.channel.send({ t: 'offline', calls });
    await waitFor(() => events.length > 0, 5_000, 'the rows');
    expect(events).toHaveLength(1);
    expect(events[0]).toHaveLength(30);
    expect(new Set(events[0]?.map((r) => r.id)).size).toBe(30);
    expect(events[0]?.every((r) => r.decision === 'unreachable')).toBe(true);
  });
});

describe('settings read once per turn', () => {
  it('sees a change made through the gate at once', () => {
    expect(gate.settings().timeoutSeconds).toBe(45);
    gate.updateSettings({ timeoutSeconds: 90 });
    expect(gate.settings().timeoutSeconds).toBe(90);
  });

  it('sees a change another process wrote from the next turn on', async () => {
    expect(gate.settings().mode).toBe('ask');
    const other = openStore(databasePath(dataDir));
    try {
      other.settings.set('mode', 'observe', Date.now());
    } finally {
      other.close();
    }
    await waitFor(() => gate.settings().mode === 'observe', 5_000, 'the new mode');
  });

  it('hands out a copy: a caller that changes it changes nothing for the next', () => {
    const s = gate.settings();
    s.mode = 'observe';
    expect(gate.settings().mode).toBe('ask');
  });
});
