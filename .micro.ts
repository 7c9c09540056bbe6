import { ShimProxy } from '/work/wt-shim/src/shim/proxy';
import { Sealer, Opener } from '/work/wt-shim/src/gate/seal';
import { checkGateMessage } from '/work/wt-shim/src/link/wireCheck';
import { decisionMac } from '/work/wt-shim/src/gate/auth';
const key = 'k'.repeat(64);
const sealer = new Sealer(key, 'client');
const gateSealer = new Sealer(key, 'gate');
const opener = new Opener(key, 'gate');
let pending: ((d: any) => void) | null = null;
const sent: string[] = [];
const gate: any = {
  observing: false, disabledTools: new Set(),
  ask(rid: number, line: string, digest: string) { sent.push(sealer.seal({ t: 'ask', rid, line, digest }));
    return new Promise((r) => (pending = r)); },
  cancel() {}, send(m: any) { sent.push(sealer.seal(m)); }, takeReview: () => undefined,
};
let out = 0;
const io = { toServer: (l: any) => { out += l.length; return true; }, toHost: (l: any) => { out += l.length; return true; }, log() {} };
const p = new ShimProxy(io, gate, { maxLineBytes: 1 << 24, maxServerLineBytes: 1 << 26, progressIntervalMs: 5000 });
const msg = (i: number) => (i + ' ' + 'read write file note alpha beta gamma delta project source test build '.repeat(20)).slice(0, 1000);
async function one(i: number) {
  const line = Buffer.from(JSON.stringify({ method: 'tools/call', params: { name: 'echo', arguments: { message: msg(i) }, _meta: { progressToken: i } }, jsonrpc: '2.0', id: i }));
  p.onHostLine(line);
  // gate side: decision message sealed, then opened+parsed+checked as the link would
  const dec = gateSealer.seal({ t: 'decision', rid: i + 1, verdict: 'allow', text: 'ok', mac: decisionMac(key, i + 1, 'x'.repeat(64), 'allow') });
  const o = opener.open(dec); if (o.ok) checkGateMessage(JSON.parse(o.body));
  const r = pending!; pending = null; r({ verdict: 'allow', text: 'ok' });
  await null; await null;
  const resp = Buffer.from(JSON.stringify({ result: { content: [{ type: 'text', text: `Echo: ${msg(i)}` }] }, jsonrpc: '2.0', id: i }));
  p.onServerLine(resp);
  sent.length = 0;
}
(async () => {
  for (let i = 0; i < 3000; i++) await one(i);
  const N = 20000; const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 3000; i < 3000 + N; i++) await one(i);
  const c = process.cpuUsage(c0);
  console.log('us per call cpu', ((c.user + c.system) / N).toFixed(1), 'wall', ((performance.now() - t0) * 1000 / N).toFixed(1));
})();
