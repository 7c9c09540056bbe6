// A decision the database cannot take (another process holds its write lock) still denies the
// call, `airlock approve` says why, and the call's row records what happened once the lock is
// gone. A real gate, a real shim in front of server-filesystem, a real lock on the real file.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../core/dataDir';
import { connectClient, filesystemServer, runCli, tempDir, waitFor } from '../testing/harness';
import { startGateService, type GateService } from './service';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

const LOCKED = 'the database is locked by another process';
/**
 * The lock is held in this process, beside the gate: while it is held, each of the backlog's
 * retries blocks this event loop for the gate's busy timeout and doubles its wait (up to 10 s),
 * so on a loaded machine the row can take a few retries to land. Waiting for the state, with
 * room for that.
 */
const BACKLOG_WAIT_MS = 60_000;
const TEST_MS = 120_000;

describe('a decision that cannot be written', () => {
  let gate: GateService;
  let client: Client;
  let dataDir: string;
  let project: string;

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    writeFileSync(join(project, 'notes.txt'), 'notes');
    gate = await startGateService({ dataDir, mode: 'ask' });
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
  });

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  /** Another process's write transaction on the same file, held until released. */
  function holdWriteLock(): () => void {
    const other = new Database(databasePath(dataDir));
    other.exec('BEGIN IMMEDIATE');
    return () => {
      other.exec('ROLLBACK');
      other.close();
    };
  }

  it(
    'an approval that cannot be recorded denies, approve says why, the row follows',
    async () => {
      const target = join(project, 'approved.txt');
      const pending = client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'x' },
      });
      const [call] = await waitFor(
        () => (gate.pending().length ? gate.pending() : null),
        10_000,
        'a waiting call',
      );
      const release = holdWriteLock();
      let approve: Awaited<ReturnType<typeof runCli>>;
      try {
        approve = await runCli(['approve', String(call!.id), '--data-dir', dataDir]);
        expect(textOf(await pending)).toBe(
          `Denied by Airlock: the decision could not be recorded (${LOCKED})`,
        );
        // Still locked: nothing could be written yet.
        expect(gate.store.history.get(call!.id)?.decision ?? null).toBeNull();
      } finally {
        release();
      }
      expect(approve.code).toBe(1);
      expect(approve.stderr).toBe(
        `airlock: call ${call!.id} was denied: the decision could not be recorded (${LOCKED}); its record will say so once the database takes writes again\n`,
      );
      expect(approve.stderr).not.toMatch(/in time/);
      expect(existsSync(target)).toBe(false);

      const row = await waitFor(
        () => {
          const r = gate.store.history.get(call!.id);
          return r?.decision ? r : null;
        },
        BACKLOG_WAIT_MS,
        'the decision to reach the record',
      );
      expect(row).toMatchObject({
        decision: 'auto-denied',
        decidedBy: 'gate',
        message: `Approved, but the approval could not be recorded (${LOCKED}), so the call was denied.`,
      });
      expect(gate.store.audit.verify()).toMatchObject({ ok: true });
    },
    TEST_MS,
  );

  it(
    'a call that arrives while the database is locked is denied, and recorded later',
    async () => {
      const before = gate.store.history.query({ limit: 1 })[0]?.id ?? 0;
      const target = join(project, 'locked.txt');
      const release = holdWriteLock();
      let result: CallResult;
      try {
        result = await client.callTool({
          name: 'write_file',
          arguments: { path: target, content: 'y' },
        });
      } finally {
        release();
      }
      expect(textOf(result)).toBe(
        `Denied by Airlock: the decision could not be recorded (${LOCKED})`,
      );
      expect(existsSync(target)).toBe(false);
      const row = await waitFor(
        () => gate.store.history.query({ limit: 1 }).find((r) => r.id > before),
        BACKLOG_WAIT_MS,
        'the call to reach the record',
      );
      expect(row).toMatchObject({ tool: 'write_file', decision: 'auto-denied', decidedBy: 'gate' });
      expect(row.message).toMatch(
        new RegExp(
          `^Would have asked \\(.*\\), but the decision could not be recorded \\(${LOCKED}\\), so the call was denied\\.$`,
        ),
      );
      // A later call goes through the gate as before.
      const read = await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(project, 'notes.txt') },
      });
      expect(textOf(read)).toBe('notes');
      expect(gate.store.audit.verify()).toMatchObject({ ok: true });
    },
    TEST_MS,
  );
});
