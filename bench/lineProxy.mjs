// The plainest stdio proxy, the yardstick for the shim's CPU: it spawns the server and forwards
// each line both ways, nothing else (no parsing, no gate). Used by bench/shim13.bench.ts.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });

function forwardLines(from, to) {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      to.write(pending.slice(0, nl + 1));
      pending = pending.slice(nl + 1);
    }
  });
}

forwardLines(process.stdin, child.stdin);
forwardLines(child.stdout, process.stdout);
process.stdin.on('end', () => child.stdin.end());
child.on('exit', (code) => process.exit(code ?? 0));
