import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { HandedLine, LineSplitter, OVERSIZE_KEEP_BYTES, type OversizeInfo } from './framing';

type Event = { line: string } | { oversize: { bytes: number; head: string; tail: string } };

function split(chunks: Buffer[], maxLineBytes = 1 << 20, end = true): Event[] {
  const events: Event[] = [];
  const splitter = new LineSplitter({
    maxLineBytes,
    onLine: (line) => events.push({ line: line.toString('utf8') }),
    onOversize: (info: OversizeInfo) =>
      events.push({
        oversize: {
          bytes: info.bytes,
          head: info.head.toString('latin1'),
          tail: info.tail.toString('latin1'),
        },
      }),
  });
  for (const c of chunks) splitter.push(c);
  if (end) splitter.end();
  return events;
}

const stream = Buffer.from(
  [
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"café"}}',
    '{"text":"😀 emoji and 中文字符 CJK"}\r',
    '',
    '{"x":"é😀中"}',
    '\r',
    'last',
  ].join('\n') + '\n',
  'utf8',
);
const expected = [
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"café"}}',
  '{"text":"😀 emoji and 中文字符 CJK"}',
  '{"x":"é😀中"}',
  'last',
].map((line) => ({ line }));

describe('LineSplitter', () => {
  it('yields the same lines whatever single offset the stream is cut at', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(split([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
  });

  it('yields the same lines when fed one byte at a time (splitting every multi-byte char)', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(split(bytes)).toEqual(expected);
  });

  it('yields the same lines for every pair of cuts', () => {
    for (let a = 0; a <= stream.length; a += 3) {
      for (let b = a; b <= stream.length; b += 5) {
        const chunks = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        expect(split(chunks)).toEqual(expected);
      }
    }
  });

  it('strips only a trailing \\r, keeps inner ones and other whitespace', () => {
    expect(split([Buffer.from('a\rb\r\n \r\n\r\r\n')])).toEqual([
      { line: 'a\rb' },
      { line: ' ' },
      { line: '\r' },
    ]);
  });

  it('delivers an unterminated final line on end(), and nothing before it', () => {
    const events: string[] = [];
    const s = new LineSplitter({
      maxLineBytes: 100,
      onLine: (l) => events.push(l.toString()),
      onOversize: () => events.push('oversize'),
    });
    s.push(Buffer.from('{"a":1}\n{"b"'));
    s.push(Buffer.from(':2}\r'));
    expect(events).toEqual(['{"a":1}']);
    s.end();
    expect(events).toEqual(['{"a":1}', '{"b":2}']);
    s.end();
    expect(events).toHaveLength(2);
    expect(() => s.push(Buffer.from('x\n'))).toThrow(/after end/);
  });

  it('drops an oversize line, reports its size, head and tail, then delivers the next line', () => {
    const big =
      'H'.repeat(OVERSIZE_KEEP_BYTES) + 'm'.repeat(5000) + 'T'.repeat(OVERSIZE_KEEP_BYTES);
    const input = Buffer.from(`ok1\n${big}\r\nok2\n`);
    for (const chunkSize of [1, 7, 100, 4096, input.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < input.length; i += chunkSize)
        chunks.push(input.subarray(i, i + chunkSize));
      expect(split(chunks, 1000)).toEqual([
        { line: 'ok1' },
        {
          oversize: {
            bytes: big.length,
            head: 'H'.repeat(OVERSIZE_KEEP_BYTES),
            tail: 'T'.repeat(OVERSIZE_KEEP_BYTES),
          },
        },
        { line: 'ok2' },
      ]);
    }
  });

  it('reports a short oversize line whole, and an unterminated one on end()', () => {
    expect(split([Buffer.from('abcdefghijk')], 10)).toEqual([
      { oversize: { bytes: 11, head: 'abcdefghijk', tail: 'abcdefghijk' } },
    ]);
    expect(split([Buffer.from('abcdefghij\r\n'), Buffer.from('abcdefghijk\r\n')], 10)).toEqual([
      { line: 'abcdefghij' },
      { oversize: { bytes: 11, head: 'abcdefghijk', tail: 'abcdefghijk' } },
    ]);
  });

  it('never holds more than the limit of a line it is dropping', () => {
    const events: Event[] = [];
    const s = new LineSplitter({
      maxLineBytes: 64,
      onLine: (l) => events.push({ line: l.toString() }),
      onOversize: (i) => events.push({ oversize: { bytes: i.bytes, head: '', tail: '' } }),
    });
    const chunk = Buffer.alloc(1 << 16, 0x61);
    for (let i = 0; i < 64; i++) s.push(chunk); // 4 MiB of one line
    // Internal buffering is bounded: only head and tail (about 2 KiB) survive.
    const internal = s as unknown as { parts: Buffer[]; oversize: { head: Buffer; tail: Buffer } };
    expect(internal.parts).toHaveLength(0);
    expect(internal.oversize.head.length + internal.oversize.tail.length).toBeLessThanOrEqual(
      2 * OVERSIZE_KEEP_BYTES + 1,
    );
    s.push(Buffer.from('\nnext\n'));
    expect(events).toEqual([
      { oversize: { bytes: 64 << 16, head: '', tail: '' } },
      { line: 'next' },
    ]);
  });

  it('copies lines so the caller may reuse its chunk', () => {
    const lines: Buffer[] = [];
    const s = new LineSplitter({
      maxLineBytes: 100,
      onLine: (l) => lines.push(l),
      onOversize: () => {},
    });
    const chunk = Buffer.from('abc\ndef\n');
    s.push(chunk);
    chunk.fill(0x7a);
    expect(lines.map((l) => l.toString())).toEqual(['abc', 'def']);
  });

  it('stays usable after a callback throws', () => {
    const lines: string[] = [];
    const s = new LineSplitter({
      maxLineBytes: 100,
      onLine: (l) => {
        if (l.toString() === 'boom') throw new Error('boom');
        lines.push(l.toString());
      },
      onOversize: () => {},
    });
    expect(() => s.push(Buffer.from('boom\n'))).toThrow('boom');
    s.push(Buffer.from('after\n'));
    expect(lines).toEqual(['after']);
  });

  it('rejects a nonsensical limit', () => {
    expect(
      () => new LineSplitter({ maxLineBytes: 0, onLine: () => {}, onOversize: () => {} }),
    ).toThrow(RangeError);
  });

  it('property: any chunking of any stream yields the lines of a one-piece read', () => {
    const lineArb = fc
      .string({ unit: 'binary', maxLength: 40 })
      .map((s) => s.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\n\n')), { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, terminated, cutSeeds) => {
          let text = lines.map(([l, eol]) => l + eol).join('');
          if (!terminated) text += 'tail-without-newline';
          const bytes = Buffer.from(text, 'utf8');
          const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const c of [...cuts, bytes.length]) {
            chunks.push(bytes.subarray(prev, c));
            prev = c;
          }
          const want = lines.map(([l]) => l).filter((l) => l !== '');
          if (!terminated) want.push('tail-without-newline');
          expect(split(chunks)).toEqual(want.map((line) => ({ line })));
        },
      ),
    );
  });
});

describe('LineSplitter with chunks kept by the caller', () => {
  it('gives the same lines, whole and exact, from any split of the bytes', () => {
    const big = `{"a":"${'é'.repeat(70_000)}"}`;
    const text = `one\r\n${big}\n\ntwo\nthree`;
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 1000, 65_536, bytes.length]) {
      const lines: string[] = [];
      const s = new LineSplitter({
        maxLineBytes: 1 << 20,
        chunksKept: true,
        onLine: (l) => lines.push(l.toString('utf8')),
        onOversize: () => lines.push('oversize'),
      });
      for (let at = 0; at < bytes.length; at += size)
        s.push(Buffer.from(bytes.subarray(at, at + size)));
      s.end();
      expect(lines).toEqual(['one', big, 'two', 'three']);
    }
  });

  it('copies a short line, so it does not keep the read buffer it came in alive', () => {
    const lines: Buffer[] = [];
    const s = new LineSplitter({
      maxLineBytes: 100,
      chunksKept: true,
      onLine: (l) => lines.push(l),
      onOversize: () => {},
    });
    const chunk = Buffer.alloc(4096, 0x61); // its own memory, as a stream's read buffer is
    chunk[3] = 0x0a;
    s.push(chunk.subarray(0, 4));
    expect(lines[0]!.toString()).toBe('aaa');
    expect(lines[0]!.buffer).not.toBe(chunk.buffer);
  });
});

describe('LineSplitter: lines handed over', () => {
  /** The lines of `chunks`, handed over, with what afterJoin was told in between. */
  function handed(chunks: Buffer[], chunksKept: boolean): (string | number)[] {
    const events: (string | number)[] = [];
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 22,
      chunksKept,
      onHandedLine: (line) => {
        const bytes = line.take();
        expect(bytes.length).toBe(line.length);
        expect(() => line.take()).toThrow(/taken already/);
        events.push(bytes.toString('utf8'));
      },
      afterJoin: (bytes) => events.push(bytes),
      onOversize: () => events.push('oversize'),
    });
    for (const c of chunks) splitter.push(c);
    splitter.end();
    return events;
  }

  it('hands over the lines onLine gets, however the chunks fall', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 8 }),
        (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(stream.subarray(at, p));
            at = p;
          }
          chunks.push(stream.subarray(at));
          const lines = split(chunks).map((e) => ('line' in e ? e.line : 'oversize'));
          for (const kept of [false, true]) {
            expect(handed(chunks, kept).filter((e) => typeof e === 'string')).toEqual(lines);
          }
        },
      ),
    );
  });

  it('tells afterJoin of a line joined from chunks, before handing it over, and of no other', () => {
    const big = 'y'.repeat(3 * 1024 * 1024);
    const chunks = [Buffer.from(`a\n${big.slice(0, 100)}`), Buffer.from(`${big.slice(100)}\nb\n`)];
    expect(handed(chunks, true)).toEqual(['a', big.length, big, 'b']);
  });

  it('wants exactly one of onLine and onHandedLine', () => {
    const onOversize = (): void => {};
    expect(() => new LineSplitter({ maxLineBytes: 10, onOversize })).toThrow(/exactly one/);
    expect(
      () =>
        new LineSplitter({
          maxLineBytes: 10,
          onOversize,
          onLine: () => {},
          onHandedLine: () => {},
        }),
    ).toThrow(/exactly one/);
    expect(new HandedLine(Buffer.from('x')).length).toBe(1);
  });
});
