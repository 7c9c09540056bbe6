import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostsCommand } from './command';
import { scanHosts } from './scan';
import { makeHome } from './testHome';
import { diffScans } from './watch';

describe('diffScans', () => {
  it('reports a new unguarded server and a removed wrap, nothing else', async () => {
    const t = makeHome();
    const io = {
      stdout: () => {},
      stderr: () => {},
      env: t.ctx.env,
      dataDir: t.ctx.dataDir,
      dataDirIsDefault: false,
      shimLauncher: t.ctx.shimLauncher,
      platform: 'linux' as const,
    };
    await hostsCommand(['install', '--host', 'cursor', '--all'], io);
    const scan = () => scanHosts({ env: t.ctx.env, platform: 'linux' });
    const before = scan();
    expect(diffScans(before, scan())).toEqual([]);

    // A host rewrote its file: the wrap is gone, and a new server was added.
    writeFileSync(
      t.path('.cursor/mcp.json'),
      JSON.stringify({
        mcpServers: {
          playwright: { command: 'npx', args: ['@playwright/mcp@latest'] },
          fresh: { command: 'fresh-mcp' },
        },
      }),
    );
    const events = diffScans(before, scan());
    expect(events.map((e) => [e.kind, e.server])).toEqual([
      ['wrap-removed', 'playwright'],
      ['new-unguarded', 'fresh'],
    ]);
    expect(events[1]!.message).toBe("New MCP server 'fresh' in Cursor is not guarded — Guard it?");
  });

  it('stays quiet about servers from a file that was unreadable in the earlier scan', () => {
    const t = makeHome();
    const good = t.read('.cursor/mcp.json');
    writeFileSync(t.path('.cursor/mcp.json'), '{ "mcpServers": ');
    const before = scanHosts({ env: t.ctx.env, platform: 'linux' });
    writeFileSync(t.path('.cursor/mcp.json'), good);
    expect(
      diffScans(before, scanHosts({ env: t.ctx.env, platform: 'linux' })).filter(
        (e) => e.host === 'cursor',
      ),
    ).toEqual([]);
  });
});
