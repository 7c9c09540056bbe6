// The version of the package a server command runs, for the server's identity: the version
// written in the command (`npx -y pkg@1.2.3`), else the installed one where the command points
// into a node_modules folder. Tags and ranges (`latest`, `^1`) are not versions: null.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { packageSpecFromCommand } from './identity';

const EXACT = /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/;

export function packageVersionOf(command: string, args: string[], cwd: string): string | null {
  const spec = packageSpecFromCommand(command, args);
  if (!spec) return null;
  if (spec.version) return EXACT.test(spec.version) ? spec.version : null;
  for (const arg of [command, ...args]) {
    const at = arg.lastIndexOf(`node_modules/${spec.name}/`);
    if (at === -1) continue;
    const dir = arg.slice(0, at + `node_modules/${spec.name}`.length);
    try {
      const pkg = JSON.parse(
        readFileSync(join(isAbsolute(dir) ? dir : resolve(cwd, dir), 'package.json'), 'utf8'),
      ) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : null;
    } catch {
      return null;
    }
  }
  return null;
}
