// The summary and current-file facts behind the consent view, over real files in a temp dir.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingCall } from '../contract/types';
import { nodePathEnv, type PathEnv } from '../policy/paths';
import { callDetails, currentFile, MAX_DIFF_BYTES } from './callDetails';

let home: string;
let env: PathEnv;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'airlock-details-'));
  env = { ...nodePathEnv(home), home };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function pending(tool: string, args: unknown): PendingCall {
  return {
    id: 7,
    sessionId: 's',
    host: 'h',
    server: 'fs',
    serverId: 1,
    tool,
    description: null,
    arguments: args,
    risk: { level: 'medium', reasons: [] },
    receivedAt: 0,
    deadline: 1,
    definitionChanged: false,
    askReasons: [],
  };
}

describe('callDetails', () => {
  it('a write to an existing file: summary says it replaces it, and its text is there to diff', () => {
    const file = join(home, 'src', 'big.ts');
    mkdirSync(join(home, 'src'));
    writeFileSync(file, 'old line\n');
    const d = callDetails(pending('write_file', { path: file, content: 'new\n' }), null, env);
    expect(d.summary.text).toBe(
      'Write 4 bytes (1 line) to ~/src/big.ts (replaces an existing file)',
    );
    expect(d.current).toEqual({ path: file, content: 'old line\n' });
  });

  it('a write to a new file says so and has nothing to diff', () => {
    const d = callDetails(
      pending('write_file', { path: join(home, 'new.txt'), content: 'x' }),
      null,
      env,
    );
    expect(d.summary.text).toMatch(/\(a new file\)$/);
    expect(d.current).toBeNull();
  });

  it('a relative path claims nothing about what it replaces', () => {
    const d = callDetails(pending('write_file', { path: 'a.txt', content: 'x' }), null, env);
    expect(d.summary.text).toBe('Write 1 byte (1 line) to a.txt');
    expect(d.current).toBeNull();
  });

  it('carries the pinned inputSchema for the edit form, null when there is none', () => {
    const inputSchema = {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
    };
    const call = pending('write_file', { path: 'a.txt', content: 'x' });
    expect(callDetails(call, { name: 'write_file', inputSchema }, env).inputSchema).toEqual(
      inputSchema,
    );
    expect(callDetails(call, { name: 'write_file' }, env).inputSchema).toBeNull();
    expect(callDetails(call, null, env).inputSchema).toBeNull();
  });

  it('never reads a sensitive file, also not through a symlink', () => {
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
    symlinkSync(join(home, '.ssh', 'id_ed25519'), join(home, 'innocent.txt'));
    for (const path of [join(home, '.ssh', 'id_ed25519'), join(home, 'innocent.txt')]) {
      const current = currentFile(path, env);
      expect(current).toMatchObject({ withheld: expect.stringContaining('SSH keys') });
      expect(JSON.stringify(current)).not.toContain('PRIVATE KEY');
    }
  });

  it('withholds large, binary and non-regular files', () => {
    writeFileSync(join(home, 'big.bin'), Buffer.alloc(MAX_DIFF_BYTES + 1, 65));
    writeFileSync(join(home, 'nul.bin'), Buffer.from([65, 0, 66]));
    expect(currentFile(join(home, 'big.bin'), env)).toMatchObject({ withheld: /too large/ });
    expect(currentFile(join(home, 'nul.bin'), env)).toMatchObject({ withheld: /not text/ });
    expect(currentFile(home, env)).toMatchObject({ withheld: /not a regular file/ });
  });
});
