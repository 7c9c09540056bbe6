// The plainest stdio proxy, the yardstick for the shim's CPU: it spawns the server and forwards
// each line both ways, nothing else (no parsing, no gate). Used by bench/shim13.bench.ts and
// bench/decision.bench.ts (through bench/yardstick.ts).
//
// With LINE_PROXY_ROUND_TRIP=<socket path>, it also does what no gate can do without: each
// host line that names tools/call (a substring test, not a parse) is first sent to that socket
// and forwarded only once a line comes back. With a trivial echo on the socket (echoPeer.mjs),
// that is the floor of any proxy that asks someone before it forwards: the fair yardstick for a
// gated call. Asks are pipelined: with many calls in flight, each is sent as soon as its line is
// read, not after the answer to the one before.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const roundTrip = process.env.LINE_PROXY_ROUND_TRIP
  ? asker(process.env.LINE_PROXY_ROUND_TRIP)
  : null;

function forwardLines(from, to, wait) {
  let pending = '';
  let queue = Promise.resolve(); // lines that wait for an answer keep their order
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl + 1);
      pending = pending.slice(nl + 1);
      if (!wait)
        to.write(line); // the plain proxy: exactly as before the option existed
      else {
        // Pipelined: the ask goes out now, whatever is still waiting; the line is forwarded
        // once its answer is back and every line before it is forwarded (the peer answers in
        // order, so the queue waits on nothing that is not already due).
        const asked = line.includes('"tools/call"') ? wait(line) : null;
        queue = queue.then(() => asked).then(() => to.write(line));
      }
    }
  });
}

/** Sends a line to the socket and resolves when one line has come back. */
function asker(path) {
  const socket = connect(path);
  socket.setEncoding('utf8');
  let got = '';
  const waiting = [];
  socket.on('data', (chunk) => {
    got += chunk;
    let nl;
    while ((nl = got.indexOf('\n')) !== -1) {
      got = got.slice(nl + 1);
      waiting.shift()?.();
    }
  });
  return (line) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      socket.write(line);
    });
}

forwardLines(process.stdin, child.stdin, roundTrip);
forwardLines(child.stdout, process.stdout, null);
process.stdin.on('end', () => child.stdin.end());
child.on('exit', (code) => process.exit(code ?? 0));
