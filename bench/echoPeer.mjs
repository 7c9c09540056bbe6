// The peer of the yardsticks in bench/lineProxy.mjs: a local socket, in a process of its own (as
// the gate is), that sends back every line it gets. It decides nothing.
//
//   node echoPeer.mjs <socket path> [<journal file>]
//
// With a journal file it also makes each line durable before sending it back: it appends the
// line to the file and fdatasyncs it, grouped as a group commit would group: one flush covers
// every line that arrived before it started (those read in the same turn of the event loop,
// which the synchronous flush lets pile up in the socket buffers meanwhile). That is the floor
// of "ask": decide nothing, but make a durable note first. Prints "ready" once it listens, and
// "<flushes> <lines>" so far on SIGUSR2 (how well the flushes were grouped).
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';

const [path, journal] = process.argv.slice(2);
const fd = journal ? openSync(journal, 'a') : null;

/** Lines read and not yet sent back: [socket, line] in the order they arrived. */
let batch = [];
let flushes = 0;
let flushed = 0;

function flush() {
  const lines = batch;
  batch = [];
  writeSync(fd, lines.map(([, line]) => line).join(''));
  fdatasyncSync(fd);
  flushes++;
  flushed += lines.length;
  const sockets = new Set(lines.map(([socket]) => socket));
  for (const s of sockets) s.cork();
  for (const [socket, line] of lines) socket.write(line);
  for (const s of sockets) s.uncork();
}

function durable(socket) {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    pending += chunk;
    const end = pending.lastIndexOf('\n');
    if (end === -1) return;
    // One flush for all that the event loop reads before it runs (setImmediate: after the
    // poll phase, so every socket's data of this turn is in the batch).
    if (batch.length === 0) setImmediate(flush);
    for (const line of pending.slice(0, end + 1).split(/(?<=\n)/)) batch.push([socket, line]);
    pending = pending.slice(end + 1);
  });
  socket.on('error', () => socket.destroy());
}

const server = createServer(fd === null ? (socket) => socket.pipe(socket) : durable);
server.listen(path, () => process.stdout.write('ready\n'));
process.on('SIGUSR2', () => process.stdout.write(`${flushes} ${flushed}\n`));
process.on('SIGTERM', () => {
  server.close();
  if (fd !== null) closeSync(fd);
  process.exit(0);
});
