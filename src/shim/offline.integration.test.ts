// Calls denied while no gate runs are on the record afterwards: reported by the shim when it
// reaches the gate again, or, when the host ended the shim first, read by the gate from the
// file that shim left. A real shim in front of server-everything, a real gate and SQLite file.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { offlineDir } from '../core/dataDir';
import { startGateService, type GateService } from '../gate/service';
import { everythingServer, RawShim, tempDir, waitFor } from '../testing/harness';

const echo = (message: string) => ({ name: 'echo', arguments: { message } });

function unreachable(gate: GateService) {
  return gate.store.history.query({ decision: 'unreachable' });
}

const spools = (dataDir: string): string[] =>
  existsSync(offlineDir(dataDir)) ? readdirSync(offlineDir(dataDir)) : [];

async function deniedWithoutGate(shim: RawShim, ids: number[]): Promise<void> {
  for (const id of ids) {
    shim.request(id, 'tools/call', echo(`while no gate runs ${id}`));
    const reply = await shim.next((m) => m.id === id);
    expect(JSON.stringify(reply.result)).toMatch(/not running/);
  }
}

describe('calls denied while the gate was unreachable', () => {
  it('are recorded by the next gate when the shim ended before it came back', async () => {
    const dataDir = tempDir();
    const shim = new RawShim(dataDir, everythingServer());
    await shim.initialize();
    await deniedWithoutGate(shim, [2, 3, 4]);
    shim.proc.stdin.end();
    await shim.exited;
    expect(spools(dataDir)).toHaveLength(1);

    const gate = await startGateService({ dataDir });
    try {
      const rows = unreachable(gate);
      expect(rows.map((r) => r.arguments).reverse()).toEqual(
        [2, 3, 4].map((id) => ({ message: `while no gate runs ${id}` })),
      );
      expect(rows.every((r) => r.server === 'everything' && r.tool === 'echo')).toBe(true);
      expect(rows[0]?.message).toMatch(/not running/);
      expect(spools(dataDir)).toEqual([]);
      expect(gate.store.audit.verify().ok).toBe(true);
    } finally {
      await gate.close();
    }
    // Recorded once: the next gate finds nothing left to record.
    const again = await startGateService({ dataDir });
    try {
      expect(unreachable(again)).toHaveLength(3);
    } finally {
      await again.close();
    }
  });

  it('are reported by the shim itself once it reaches a gate, and not read again', async () => {
    const dataDir = tempDir();
    const shim = new RawShim(dataDir, everythingServer());
    let gate: GateService | null = null;
    try {
      await shim.initialize();
      await deniedWithoutGate(shim, [2, 3]);
      gate = await startGateService({ dataDir });
      // The shim lives: its file is its own to report, the gate leaves it alone at start.
      expect(unreachable(gate)).toHaveLength(0);
      expect(spools(dataDir)).toHaveLength(1);
      shim.request(5, 'tools/call', echo('with the gate back'));
      await shim.next((m) => m.id === 5);
      const g = gate;
      await waitFor(() => unreachable(g).length === 2, 10_000, 'the denied calls on record');
      expect(spools(dataDir)).toEqual([]);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
      await gate?.close();
    }
    const again = await startGateService({ dataDir });
    try {
      expect(unreachable(again)).toHaveLength(2);
    } finally {
      await again.close();
    }
  });
});
