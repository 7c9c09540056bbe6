// UI latency of a gated call (issue 4), in the e2e harness: the built renderer in Chromium, the
// real gate service and AppServices, a real SDK client through the real shim to a small
// fixture server (e2e/fixtures/stamp-server.mjs). Writes its figures into BENCHMARKS.md; it
// never fails on timing.
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { openRenderer } from '../e2e/harness';
import type { PageEvent, PageWindow } from '../e2e/page-types';
import { startWorld, type World } from '../e2e/world';
import { ms, percentile, writeSection } from './report';

const STAMP_SERVER = resolve(__dirname, '../e2e/fixtures/stamp-server.mjs');
const RUNS = 20;
const WARMUP = 2;

/** Unix ms with sub-ms resolution, as the page and the fixture server also measure it. */
const now = (): number => performance.timeOrigin + performance.now();

let world: World;
let client: Client;

test.beforeAll(async () => {
  world = await startWorld();
  client = await world.connect('stamp', [process.execPath, STAMP_SERVER]);
  await client.listTools();
});
test.afterAll(async () => {
  await world?.close();
});

function textOf(result: unknown): string {
  const content = (result as { content?: { text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}

interface Offset {
  /** Their clock minus ours, ms. */
  offset: number;
  /** Half the round trip of the best sample: the offset is known to within this. */
  within: number;
}

/** Offset of another clock from ours by the round trip with the smallest delay (NTP's trick). */
async function clockOffset(read: () => Promise<number>, samples = 30): Promise<Offset> {
  let best: Offset = { offset: 0, within: Infinity };
  for (let i = 0; i < samples; i++) {
    const t0 = now();
    const theirs = await read();
    const t1 = now();
    if ((t1 - t0) / 2 < best.within)
      best = { offset: theirs - (t0 + t1) / 2, within: (t1 - t0) / 2 };
  }
  return best;
}

/**
 * In the page: a MutationObserver stamps when the consent view's tool name enters the DOM, and
 * again in the next animation frame (the frame that paints it); a capture listener stamps the
 * approve click with the event's own time (when the input arrived, before any handler ran).
 */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const g = globalThis as unknown as {
      __shown: { dom: number; frame: number }[];
      __clicks: number[];
    };
    g.__shown = [];
    g.__clicks = [];
    const t = () => performance.timeOrigin + performance.now();
    let present = false;
    new w.MutationObserver(() => {
      const el = w.document.querySelector('[data-testid="consent-tool"]');
      if (el && !present) {
        const entry = { dom: t(), frame: 0 };
        g.__shown.push(entry);
        w.requestAnimationFrame(() => {
          entry.frame = t();
        });
      }
      present = el !== null;
    }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    w.document.addEventListener(
      'click',
      (e: PageEvent) => {
        const b = e.target?.closest('button');
        if (b?.textContent?.trim() === 'Approve once')
          g.__clicks.push(performance.timeOrigin + e.timeStamp);
      },
      true,
    );
  });
}

test('consent latency: tools/call → consent visible, approve click → call at the server', async ({
  context,
}) => {
  const h = await openRenderer(context, world.services, { route: 'popup' });
  const page = h.page;
  await instrument(page);

  const pageClock = await clockOffset(() =>
    page.evaluate(() => performance.timeOrigin + performance.now()),
  );
  const serverClock = await clockOffset(async () =>
    Number(textOf(await client.callTool({ name: 'get_time', arguments: {} }))),
  );

  const toDom: number[] = [];
  const toFrame: number[] = [];
  const toServer: number[] = [];
  const approve = page.getByRole('button', { name: 'Approve once' });
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const sentAt = now();
    const call = client.callTool({ name: 'write_stamp', arguments: { run } });
    await expect(page.getByTestId('consent-tool')).toBeVisible();
    await expect(approve).toBeEnabled();
    await approve.click();
    const receivedAt = Number(textOf(await call)) - serverClock.offset;
    await expect(page.getByTestId('consent-tool')).toHaveCount(0);
    const { shown, clicks } = await page.evaluate(() => {
      const g = globalThis as unknown as {
        __shown: { dom: number; frame: number }[];
        __clicks: number[];
      };
      return { shown: g.__shown, clicks: g.__clicks };
    });
    const seen = shown.at(-1);
    const clickedAt = clicks.at(-1);
    expect(shown).toHaveLength(run + 1);
    expect(clicks).toHaveLength(run + 1);
    if (!seen || clickedAt === undefined) throw new Error('the page stamped nothing');
    if (run < WARMUP) continue;
    toDom.push(seen.dom - pageClock.offset - sentAt);
    toFrame.push(seen.frame - pageClock.offset - sentAt);
    toServer.push(receivedAt - (clickedAt - pageClock.offset));
  }

  const row = (label: string, xs: number[], target: number): string => {
    const sorted = [...xs].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    return `| ${label} | ${xs.length} | ${ms(median)} | ${ms(p99)} | ${ms(sorted[0]!)} | < ${target} | ${median < target ? 'met' : '**missed**'} |`;
  };
  writeSection(
    'ui',
    `## Consent latency in the UI (issue 4)

The e2e harness (built renderer in Debian's Chromium, headless; real gate service and
AppServices; real SDK client → real shim → fixture server \`e2e/fixtures/stamp-server.mjs\`),
${RUNS} gated \`write_stamp\` calls after ${WARMUP} warm-up, one at a time, each approved with a
real click on **Approve once** (after its one-second arming delay). Times in ms.

| span | runs | median | p99 | min | target | |
|---|---|---|---|---|---|---|
${row('`tools/call` sent → consent in the DOM', toDom, 150)}
${row('`tools/call` sent → next frame (visible)', toFrame, 150)}
${row('approve click → request line at the server', toServer, 20)}

How it is measured. Every clock is \`performance.timeOrigin + performance.now()\` (Unix ms,
sub-ms). The start is taken in the benchmark process just before \`client.callTool\` writes the
request to the shim's stdin. In the page, a MutationObserver stamps the moment the consent
view's tool name enters the DOM, and a \`requestAnimationFrame\` callback stamps the frame that
paints it; the click is stamped with the click event's own \`timeStamp\` (input time, before any
handler). The fixture server stamps the \`tools/call\` line as it comes off its stdin, before
the SDK parses it, and returns that stamp as the tool result. Clocks are aligned by the round
trip with the least delay out of 30: the page is ${ms(pageClock.offset)} ms off the benchmark
process (±${ms(pageClock.within)}), the server ${ms(serverClock.offset)} ms (±${ms(serverClock.within)},
measured through the shim with an auto-approved read-only call). On the path: the shim, the gate
socket, the policy and the commit (synchronous=FULL), the \`pending-changed\` event to the page
(here through Playwright's \`page.evaluate\`, in the app \`webContents.send\`), React; and back:
\`decide\` over the page binding (in the app \`ipcRenderer.invoke\`), the commit of the decision,
the socket to the shim, the shim forwarding the approved bytes.`,
  );
});
