import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition, ToolRecord } from '../contract/types';
import { scanHosts } from '../hosts';
import { makeHome } from '../hosts/testHome';
import { hostReportsOf, isDestructive, toolFactsLookup, toolFactsOf } from './hostReports';

const record = (
  name: string,
  more: Partial<ToolRecord> & { annotations?: ToolDefinition['annotations'] } = {},
): ToolRecord => {
  const { annotations, ...rest } = more;
  return {
    serverId: 1,
    name,
    definition: { name, ...(annotations ? { annotations } : {}) },
    hash: 'h1',
    reviewedHash: 'h1',
    previousDefinition: null,
    firstSeen: 0,
    lastSeen: 0,
    enabled: true,
    poison: [],
    ...rest,
  };
};

describe('isDestructive', () => {
  it.each([
    [{ name: 'read_file', annotations: { destructiveHint: true } }, true],
    [{ name: 'delete_file' }, true],
    [{ name: 'run_command' }, true],
    [{ name: 'write_file' }, true],
    [{ name: 'read_file' }, false],
    [{ name: 'add' }, false],
    // The server answered the question either way: its answer stands unless it says destructive.
    [{ name: 'delete_file', annotations: { readOnlyHint: true } }, false],
    [{ name: 'delete_file', annotations: { destructiveHint: false } }, false],
    [{ name: 'delete_file', annotations: { title: 'Delete' } }, true],
  ] satisfies [ToolDefinition, boolean][])('%o → %s', (definition, expected) => {
    expect(isDestructive(definition)).toBe(expected);
  });
});

describe('toolFactsOf', () => {
  it('lists destructive, poisoned and changed tools by name', () => {
    const facts = toolFactsOf([
      record('write_file'),
      record('read_file', { poison: [{ code: 'hidden', text: 'hidden instruction' }] }),
      record('list_dir', { hash: 'h2', reviewedHash: 'h1' }),
      record('stat', { reviewedHash: null }),
    ]);
    expect(facts).toEqual({
      // Every name, for allow entries that list a server's tools (single consent).
      tools: ['list_dir', 'read_file', 'stat', 'write_file'],
      destructiveTools: ['write_file'],
      poisoned: ['read_file'],
      changed: ['list_dir'],
    });
  });
});

describe('toolFactsLookup', () => {
  it('matches by host and name, the most recently seen registry server speaking', () => {
    const tools: Record<number, ToolRecord[]> = {
      1: [record('delete_all')],
      2: [record('read_file')],
    };
    const lookup = toolFactsLookup(
      [
        { id: 1, host: 'cursor', name: 'notes', lastSeen: 100 },
        { id: 2, host: 'cursor', name: 'notes', lastSeen: 200 },
        { id: 3, host: 'vscode', name: 'other', lastSeen: 50 },
      ],
      (id) => tools[id] ?? [],
    );
    expect(lookup('cursor', 'notes')?.destructiveTools).toEqual([]);
    expect(lookup('claude-desktop', 'notes')).toBeUndefined();
    expect(lookup('vscode', 'other')).toEqual({
      tools: [],
      destructiveTools: [],
      poisoned: [],
      changed: [],
    });
  });
});

describe('hostReportsOf', () => {
  it("names the user's own config before a read-only one, and says what single consent writes", () => {
    const t = makeHome();
    rmSync(t.path('.claude.json'));
    const managed = join(t.systemRoot, 'etc', 'claude-code', 'managed-mcp.json');
    const scan = () =>
      hostReportsOf(scanHosts({ env: t.ctx.env, platform: 'linux', systemRoot: t.systemRoot }));
    // Only the managed file (read-only) exists: it is what the card can show.
    expect(scan().find((r) => r.host === 'claude-code')?.configPath).toBe(managed);
    writeFileSync(t.path('.claude.json'), '{"mcpServers": {}}');
    const code = scan().find((r) => r.host === 'claude-code');
    expect(code?.configPath).toBe(t.path('.claude.json'));
    expect(code?.singleConsent).toEqual({
      supported: true,
      summary: 'writes permissions.allow "mcp__<server>__*"',
    });
  });
});
