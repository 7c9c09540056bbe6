// The import boundaries of the shim are lint rules (eslint.config.mjs); this holds the rules to
// what they are for, on code placed where the shim's own files live.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function problems(code: string, file = 'src/shim/somewhere.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the shim lint boundary', () => {
  it.each([
    ["import { openStore } from '../store/store';", /never opens the store/],
    ["import type { Rule } from '../store/types';", /never opens the store/],
    ["import { decide } from '../policy/decide';", /never opens the store or decides/],
    ["import { GateService } from '../gate/service';", /through src\/link/],
    ["import { CallDesk } from '../gate/callDesk';", /through src\/link/],
    ["import { connectGate } from '../gate/client';", /through src\/link/],
  ])('refuses %s', async (line, reason) => {
    const found = await problems(`${line}\nexport const x = 1;\n`);
    expect(found.some((p) => p.startsWith('no-restricted-imports') && reason.test(p))).toBe(true);
  });

  it("allows the client side and the socket's shared parts", async () => {
    const code = [
      "import { connectGate } from '../link/client';",
      "import type { ShimMessage } from '../gate/wire';",
      "import { WIRE_VERSION } from '../gate/wireVersion';",
      "import { decisionMac } from '../gate/auth';",
      "import { parseHostLine } from '../mcp/hostLine';",
      'export const all = [connectGate, WIRE_VERSION, decisionMac, parseHostLine];',
      'export type M = ShimMessage;',
      '',
    ].join('\n');
    expect(await problems(code)).toEqual([]);
  });

  it('refuses console, even console.error: stdout is the host protocol stream', async () => {
    for (const call of ["console.log('hi');", "console.error('hi');"]) {
      const found = await problems(`${call}\n`);
      expect(found.some((p) => p.startsWith('no-console'))).toBe(true);
    }
  });

  it('binds the shim only: the gate itself may import its own server side', async () => {
    const code = "import { CallDesk } from './callDesk';\nexport const d = CallDesk;\n";
    expect(await problems(code, 'src/gate/somewhere.ts')).toEqual([]);
  });
});
