import { it } from 'vitest';
import Database from 'better-sqlite3';
import { seedCalls, seededRng } from './seed';
import { openStore } from './store';
import { historyRepo } from './history';
import fs from 'node:fs';

it('timing', () => {
  const file = '/tmp/scratch/big.db';
  const now = Date.UTC(2026, 10, 20, 13, 17, 5, 123);
  if (!fs.existsSync(file)) {
    const s = openStore(file);
    const t = performance.now();
    seedCalls(s, 1_000_000, seededRng(3), { now, spanDays: 90 });
    console.log('seed s', (performance.now() - t) / 1000);
    s.close();
  }
  const r = new Database(file, { readonly: true });
  console.log('stats rows', r.prepare('select count(*) from call_stats').pluck().get());
  const fast = historyRepo(r);
  const slow = historyRepo(r, { aggregate: false });
  const time = (l: string, f: () => unknown) => {
    f(); f();
    const xs: number[] = [];
    for (let i = 0; i < 10; i++) { const t = performance.now(); f(); xs.push(performance.now() - t); }
    xs.sort((a, b) => a - b);
    console.log(l, xs[5]!.toFixed(2));
  };
  time('stats30', () => fast.statsPerDay({}, 30, now));
  time('stats90', () => fast.statsPerDay({}, 90, now));
  time('top all', () => fast.topTools({}, 10));
  time('top 30d', () => fast.topTools({ since: now - 30 * 86400000 }, 10));
  const eq = (a: unknown, b: unknown, l: string) => console.log(l, JSON.stringify(a) === JSON.stringify(b));
  eq(fast.statsPerDay({}, 30, now), slow.statsPerDay({}, 30, now), 'eq30');
  eq(fast.topTools({}, 10), slow.topTools({}, 10), 'eqtop');
  eq(fast.topTools({ since: now - 30 * 86400000 + 1234, until: now - 86400000 - 5 }, 10), slow.topTools({ since: now - 30 * 86400000 + 1234, until: now - 86400000 - 5 }, 10), 'eqtop range');
  r.close();
}, 600_000);
