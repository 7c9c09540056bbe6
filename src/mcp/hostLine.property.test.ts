// Property tests for the host→server path as a whole: framing, then strict classification.
// The security claim under test: no line a server could read as a tools/call is classified by
// the shim as anything but an invalid line or a tools/call.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseTree, getNodeValue, type Node, type ParseError } from 'jsonc-parser';
import { LineSplitter } from './framing';
import { parseHostLine, type HostLine } from './hostLine';

function splitAll(chunks: Buffer[], maxLineBytes: number): { lines: Buffer[]; oversize: number[] } {
  const lines: Buffer[] = [];
  const oversize: number[] = [];
  const s = new LineSplitter({
    maxLineBytes,
    onLine: (l) => lines.push(l),
    onOversize: (i) => oversize.push(i.bytes),
  });
  for (const c of chunks) s.push(c);
  s.end();
  return { lines, oversize };
}

function cutAt(bytes: Buffer, seeds: number[]): Buffer[] {
  const cuts = [...new Set(seeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(prev, c));
    prev = c;
  }
  return chunks;
}

const idArb = fc.oneof(fc.integer(), fc.string({ unit: 'binary', maxLength: 10 }));
const paramsArb = fc.option(
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
  {
    nil: undefined,
  },
);
const messageArb = fc.oneof(
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: idArb,
    method: fc.string({ unit: 'binary', maxLength: 20 }),
    params: paramsArb,
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.string({ maxLength: 20 }),
    params: paramsArb,
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: idArb,
    result: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
  }),
);

describe('host stream properties', () => {
  it('(1) any chunking of a stream of JSON-RPC messages yields the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(messageArb, fc.constantFrom('\n', '\r\n')), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, seeds) => {
          const bytes = Buffer.from(
            messages.map(([m, eol]) => JSON.stringify(m) + eol).join(''),
            'utf8',
          );
          const { lines, oversize } = splitAll(cutAt(bytes, seeds), 1 << 20);
          expect(oversize).toEqual([]);
          const parsed = lines.map((l) => parseHostLine(l));
          expect(parsed.map((p) => (p.kind === 'invalid' ? p : p.message))).toEqual(
            messages.map(([m]) => JSON.parse(JSON.stringify(m))),
          );
          parsed.forEach((p, i) => {
            const original = messages[i]?.[0];
            if (p.kind === 'request' || p.kind === 'response') {
              expect(original && 'id' in original && JSON.parse(p.idRaw)).toBe(
                original && 'id' in original && original.id,
              );
            }
          });
        },
      ),
    );
  });

  // (3) Adversarial lines.
  const TOOLS_CALL_SPELLINGS = [
    '"tools/call"',
    '"tools\\/call"',
    '"tools\\u002fcall"',
    '"tools\\u002Fcall"',
    '"\\u0074\\u006f\\u006f\\u006c\\u0073\\u002f\\u0063\\u0061\\u006c\\u006c"',
  ];
  const methodToken = fc.oneof(
    fc.constantFrom(...TOOLS_CALL_SPELLINGS),
    fc.constantFrom(
      '"ping"',
      '"tools/list"',
      '"Tools/call"',
      '"tools/call "',
      '"tools/cal"',
      '"tools/call\\u0000"',
    ),
    fc.constantFrom('["tools/call"]', 'null', '1', '{"name":"tools/call"}'),
  );
  const keyToken = (name: string) =>
    fc.constantFrom(
      JSON.stringify(name),
      `"${name.slice(0, 1)}\\u${name.charCodeAt(1).toString(16).padStart(4, '0')}${name.slice(2)}"`,
    );
  const idToken = fc.oneof(
    fc.constantFrom(
      '1',
      '0',
      '-0',
      '1.0',
      '1e2',
      '12345678901234567890',
      '-9007199254740993',
      '"a\\u0062"',
      '""',
    ),
    fc.constantFrom('null', 'true', '{}', '[1]', '01', 'NaN'),
    fc.integer().map(String),
    fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
  );
  const paramsToken = fc.constantFrom(
    '{"name":"write_file","arguments":{"path":"/etc/passwd"}}',
    '{"name":"x","_meta":{"progressToken":"p"}}',
    '{}',
    '[]',
    'null',
    '{"name":"a","name":"b"}',
  );
  const member = fc.oneof(
    fc.tuple(keyToken('method'), methodToken),
    fc.tuple(keyToken('method'), methodToken),
    fc.tuple(keyToken('id'), idToken),
    fc.tuple(keyToken('jsonrpc'), fc.constantFrom('"2.0"', '"2.0"', '"1.0"', '2')),
    fc.tuple(fc.constant('"params"'), paramsToken),
    fc.tuple(
      fc.constantFrom('"result"', '"error"', '"__proto__"', '"x"'),
      fc.constantFrom('{}', '1', '{"method":"tools/call"}'),
    ),
  );
  // A plausible message (mostly a tools/call) plus a few adversarial extra members.
  const objectText = fc
    .record({
      jsonrpc: fc.oneof(
        { arbitrary: fc.constant<[string, string]>(['"jsonrpc"', '"2.0"']), weight: 5 },
        {
          arbitrary: fc.tuple(keyToken('jsonrpc'), fc.constantFrom('"2.0"', '"1.0"', '2')),
          weight: 1,
        },
      ),
      method: fc.oneof(
        {
          arbitrary: fc.tuple(keyToken('method'), fc.constantFrom(...TOOLS_CALL_SPELLINGS)),
          weight: 4,
        },
        { arbitrary: fc.tuple(keyToken('method'), methodToken), weight: 1 },
      ),
      id: fc.option(fc.tuple(keyToken('id'), idToken), { freq: 4 }),
      params: fc.option(fc.tuple(fc.constant('"params"'), paramsToken), { freq: 4 }),
      extra: fc.oneof(fc.constant([]), fc.array(member, { maxLength: 2 })),
      ws: fc.constantFrom('', ' ', '\t'),
    })
    .chain(({ jsonrpc, method, id, params, extra, ws }) => {
      const members = [jsonrpc, method, ...(id ? [id] : []), ...(params ? [params] : []), ...extra];
      return fc
        .shuffledSubarray(members, { minLength: members.length })
        .map((ms) => `{${ms.map(([k, v]) => `${ws}${k}${ws}:${ws}${v}`).join(',')}${ws}}`);
    });
  const lineText = fc.oneof(
    { arbitrary: objectText, weight: 4 },
    fc.array(objectText, { minLength: 1, maxLength: 3 }).map((objs) => `[${objs.join(',')}]`),
    objectText.map((o) => `${o} ${o}`),
  );
  const lineBytes = fc
    .tuple(
      lineText,
      fc.constantFrom(
        'none',
        'none',
        'none',
        'none',
        'bom',
        'byte',
        'overlong',
        'surrogate',
        'truncated',
      ),
      fc.nat(),
    )
    .map(([text, damage, at]) => {
      const base = Buffer.from(text, 'utf8');
      const insert: Record<string, number[]> = {
        none: [],
        bom: [0xef, 0xbb, 0xbf],
        byte: [0xff],
        overlong: [0xc0, 0xaf],
        surrogate: [0xed, 0xa0, 0x80],
        truncated: [0xe2, 0x82],
      };
      const pos = damage === 'bom' ? 0 : at % (base.length + 1);
      return Buffer.concat([
        base.subarray(0, pos),
        Buffer.from(insert[damage] ?? []),
        base.subarray(pos),
      ]);
    });

  // What a typical server does: decode leniently, JSON.parse (last duplicate wins).
  function lastWinsMessages(line: Buffer): Record<string, unknown>[] {
    const seen: Record<string, unknown>[] = [];
    for (const text of [line.toString('utf8'), new TextDecoder().decode(line)]) {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        continue;
      }
      for (const m of Array.isArray(v) ? v : [v]) {
        if (typeof m === 'object' && m !== null && !Array.isArray(m)) {
          seen.push(m as Record<string, unknown>);
        }
      }
    }
    return seen;
  }

  // What other servers do: the first duplicate wins (and comments or trailing commas pass).
  function firstWinsMembers(line: Buffer): { method?: unknown; id?: unknown }[] {
    const errors: ParseError[] = [];
    const root = parseTree(new TextDecoder().decode(line), errors, { allowTrailingComma: true });
    if (root === undefined || errors.length > 0) return [];
    const objects = root.type === 'array' ? (root.children ?? []) : [root];
    return objects
      .filter((o) => o.type === 'object')
      .map((o) => {
        const first = (name: string): Node | undefined =>
          o.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
        const method = first('method');
        const id = first('id');
        return {
          ...(method ? { method: getNodeValue(method) as unknown } : {}),
          ...(id ? { id: getNodeValue(id) as unknown } : {}),
        };
      });
  }

  function checkLine(line: Buffer, host: HostLine): 'gated' | 'rejected' | 'other' {
    const seen = lastWinsMessages(line);
    const firstWins = firstWinsMembers(line);
    const toolsCall = [...seen, ...firstWins].some((m) => m.method === 'tools/call');
    if (host.kind === 'invalid') return toolsCall ? 'rejected' : 'other';
    // Whatever the shim accepted, every lenient reader sees the very same message.
    expect(seen.length).toBeGreaterThan(0);
    expect(firstWins.length).toBeGreaterThan(0);
    for (const m of seen) expect(m).toEqual(host.message);
    for (const m of [...seen, ...firstWins]) {
      if (host.kind !== 'response') expect(m.method).toBe(host.method);
      if (host.kind === 'request' || host.kind === 'response') {
        expect(JSON.parse(host.idRaw)).toBe(m.id);
      }
    }
    if (toolsCall) {
      expect(host.kind === 'request' || host.kind === 'notification').toBe(true);
      expect(host.kind !== 'response' && host.method).toBe('tools/call');
      return 'gated';
    }
    return 'other';
  }

  it('(3) no adversarial line lets a tools/call through unrecognised', () => {
    fc.assert(fc.property(lineBytes, (line) => void checkLine(line, parseHostLine(line))));
  });

  it('(3) the adversarial generator reaches both recognised and rejected tools/calls', () => {
    const tally = { gated: 0, rejected: 0, other: 0 };
    for (const line of fc.sample(lineBytes, 1000)) tally[checkLine(line, parseHostLine(line))]++;
    expect(tally.gated).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(20);
  });

  it('(3) the same holds for adversarial streams, chunked anyhow, with oversize lines', () => {
    fc.assert(
      fc.property(
        fc.array(lineBytes, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 24, max: 400 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, maxLineBytes, seeds) => {
          const stream = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
          const { lines: got, oversize } = splitAll(cutAt(stream, seeds), maxLineBytes);
          const fits = lines.filter((l) => l.length <= maxLineBytes);
          expect(got.map((l) => l.toString('hex'))).toEqual(fits.map((l) => l.toString('hex')));
          expect(oversize).toEqual(
            lines.filter((l) => l.length > maxLineBytes).map((l) => l.length),
          );
          for (const l of got) checkLine(l, parseHostLine(l));
        },
      ),
    );
  });

  it('(3) known smuggling attempts are rejected or recognised', () => {
    const cases: [string, 'gated' | 'rejected'][] = [
      ['{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}', 'rejected'],
      ['{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"ping"}', 'rejected'],
      ['[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}]', 'rejected'],
      ['{"jsonrpc":"2.0","id":1,"method":"tools\\/call"}', 'gated'],
      ['{"jsonrpc":"2.0","id":1,"method":"tools\\u002fcall"}', 'gated'],
      ['{"jsonrpc":"2.0","method":"tools/call","params":{}}', 'gated'],
      ['{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call"}', 'gated'],
      ['{"jsonrpc":"2.0","id":1,"method":"tools/call","result":{}}', 'rejected'],
      ['{"jsonrpc":"1.0","id":1,"method":"tools/call"}', 'rejected'],
      ['{"jsonrpc":"2.0","id":null,"method":"tools/call"}', 'rejected'],
      ['{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}', 'rejected'],
    ];
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call"}'),
    ]);
    for (const [line, want] of [
      ...cases.map(([t, w]) => [Buffer.from(t), w] as const),
      [bom, 'rejected'] as const,
    ]) {
      const host = parseHostLine(line);
      checkLine(line, host);
      if (want === 'rejected') expect(host.kind, line.toString()).toBe('invalid');
      else
        expect(host.kind !== 'invalid' && host.kind !== 'response' && host.method).toBe(
          'tools/call',
        );
    }
  });
});
