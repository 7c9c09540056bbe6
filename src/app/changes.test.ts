// The app's rule and tool changes are the gate's checked changes (src/gate/controlChanges.ts),
// the ones `airlock rules` / `airlock servers` send: the same rule is refused for the same
// reason from either side, over a real gate, a real SQLite record and a real MCP server.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent, RuleDraft } from '../contract/ipc';
import { ALLOWS_EVERYTHING_MESSAGE } from '../gate/controlChanges';
import { startGateService, type GateService } from '../gate/service';
import { databasePath } from '../core/dataDir';
import { makeHome } from '../hosts/testHome';
import { connectClient, filesystemServer, tempDir, waitFor } from '../testing/harness';
import { createAppServices } from './createServices';
import { APP_ALLOWS_EVERYTHING_MESSAGE } from './rulesServices';
import type { AppServices } from './services';

const open: { gate: GateService; services: AppServices }[] = [];
afterEach(async () => {
  for (const { gate, services } of open.splice(0)) {
    services.close();
    await gate.close();
  }
});

async function setup(mode?: 'ask') {
  const t = makeHome();
  const gate = await startGateService({ dataDir: t.dataDir, ...(mode ? { mode } : {}) });
  const services = createAppServices(gate, { env: t.ctx.env, platform: 'linux' });
  open.push({ gate, services });
  const events: AppEvent['type'][] = [];
  services.subscribe((e) => events.push(e.type));
  return { t, gate, services, events };
}

const draft = (over: Partial<RuleDraft> = {}): RuleDraft => ({
  serverId: null,
  tool: '*',
  conditions: [],
  action: 'allow',
  expiry: { kind: 'forever' },
  riskCeiling: 'medium',
  note: '',
  enabled: true,
  ...over,
});

/** Event types on the audit chain, oldest first. */
function chainTypes(dataDir: string): string[] {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return db.prepare<[], string>('SELECT type FROM events ORDER BY seq').pluck().all();
  } finally {
    db.close();
  }
}

const refusal = (fn: () => unknown): Promise<unknown> => Promise.resolve().then(fn);

describe('rules from the app go through the same check as the CLI', () => {
  it('refuses a rule that lets every tool on every server through: nothing saved, nothing announced', async () => {
    const { t, services, events } = await setup();
    const before = chainTypes(t.dataDir);
    await expect(refusal(() => services.addRule(draft()))).rejects.toThrow(
      APP_ALLOWS_EVERYTHING_MESSAGE,
    );
    expect(await services.listRules()).toEqual([]);
    expect(events).not.toContain('rules-changed');
    expect(chainTypes(t.dataDir)).toEqual(before);
    // Narrowed to one server's tool, or to a named tool, it is saved and announced.
    const saved = await services.addRule(draft({ tool: 'read_*' }));
    expect(saved).toMatchObject({ tool: 'read_*', action: 'allow', origin: 'manual' });
    expect(events).toContain('rules-changed');
    expect(chainTypes(t.dataDir)).toEqual([...before, 'rule.added']);
  });

  it('refuses an edit that turns a rule into one that lets everything through; the rule stays', async () => {
    const { services } = await setup();
    const ask = await services.addRule(draft({ action: 'ask', riskCeiling: null }));
    await expect(
      refusal(() =>
        services.updateRule({ id: ask.id, patch: { action: 'allow', riskCeiling: 'medium' } }),
      ),
    ).rejects.toThrow(APP_ALLOWS_EVERYTHING_MESSAGE);
    expect(await services.listRules()).toEqual([ask]);
    // A disabled allow-everything rule lets nothing through: saving it is no widening.
    const off = await services.updateRule({
      id: ask.id,
      patch: { action: 'allow', riskCeiling: 'medium', enabled: false },
    });
    expect(off).toMatchObject({ action: 'allow', enabled: false });
    // Switching it on is.
    await expect(
      refusal(() => services.updateRule({ id: ask.id, patch: { enabled: true } })),
    ).rejects.toThrow(APP_ALLOWS_EVERYTHING_MESSAGE);
    expect((await services.listRules())[0]?.enabled).toBe(false);
  });

  it("the gate's own changes refuse it with the CLI's wording (same check, its words)", async () => {
    const { gate } = await setup();
    expect(() => gate.changes.addRule(draft(), 'manual')).toThrow(ALLOWS_EVERYTHING_MESSAGE);
    expect(gate.changes.addRule(draft(), 'manual', { confirmed: true })).toMatchObject({
      tool: '*',
      action: 'allow',
    });
  });

  it('removing a rule that is not there says removed: false and announces nothing', async () => {
    const { services, events } = await setup();
    expect(await services.removeRule({ id: 41 })).toEqual({ removed: false });
    expect(events).not.toContain('rules-changed');
    const rule = await services.addRule(
      draft({ tool: 'write_file', action: 'deny', riskCeiling: null }),
    );
    expect(await services.removeRule({ id: rule.id })).toEqual({ removed: true });
    expect(await services.listRules()).toEqual([]);
  });

  it("a consent's 'approve always' rule that lets everything through is refused, and the call keeps waiting", async () => {
    const { t, gate, services } = await setup('ask');
    const project = tempDir('airlock-project-');
    const client = await connectClient(filesystemServer(project), { dataDir: t.dataDir });
    try {
      const answered = client.callTool({
        name: 'write_file',
        arguments: { path: join(project, 'a.txt'), content: 'x' },
      });
      const [call] = await waitFor(
        () => (gate.pending().length ? gate.pending() : null),
        10_000,
        'a waiting call',
      );
      await expect(
        refusal(() => services.decide({ ids: [call!.id], verdict: 'approve', rule: draft() })),
      ).rejects.toThrow(APP_ALLOWS_EVERYTHING_MESSAGE);
      expect(gate.pending().map((c) => c.id)).toEqual([call!.id]);
      expect(await services.listRules()).toEqual([]);
      // The rule as the popup drafts it (this server, this tool) is saved with the approval.
      const result = await services.decide({
        ids: [call!.id],
        verdict: 'approve',
        rule: draft({ serverId: call!.serverId, tool: 'write_file' }),
      });
      expect(result.decided).toEqual([call!.id]);
      expect(await services.listRules()).toMatchObject([
        { id: result.ruleId, tool: 'write_file', origin: `decision:${call!.id}` },
      ]);
      expect((await answered).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});

describe('tools from the app go through the same check as the CLI', () => {
  it('switching off a tool the server does not have is refused before anything is written', async () => {
    const { t, gate, services, events } = await setup();
    const { id } = gate.store.servers.upsert(
      { host: 'cursor', name: 'fs', command: 'npx', args: ['-y', 'fs-mcp'] },
      Date.now(),
    );
    const before = chainTypes(t.dataDir);
    await expect(
      refusal(() => services.setToolEnabled({ serverId: id, tool: 'nope', enabled: false })),
    ).rejects.toThrow(`server ${id} has no tool "nope"`);
    await expect(
      refusal(() => services.setToolReviewResults({ serverId: id, tool: 'nope', mode: 'all' })),
    ).rejects.toThrow(`server ${id} has no tool "nope"`);
    expect(chainTypes(t.dataDir)).toEqual(before);
    expect(events).not.toContain('servers-changed');
  });
});

describe('settings from the app go through the gate', () => {
  it("saves the app's keys and the gate's together, with one settings-changed", async () => {
    const { gate, services, events } = await setup();
    const saved = await services.setSettings({ theme: 'dark', sound: false, mode: 'observe' });
    expect(saved).toMatchObject({ theme: 'dark', sound: false, mode: 'observe' });
    expect(gate.settings().mode).toBe('observe');
    expect(events.filter((e) => e === 'settings-changed')).toHaveLength(1);
    expect(await services.getSettings()).toEqual(saved);
  });
});
