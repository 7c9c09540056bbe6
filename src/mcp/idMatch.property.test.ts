// One id, two writers: the host's request (parsed strictly) and the server's response (peeked)
// must meet on one key exactly when they name the same id: a number spelled the same way, or a
// string with the same value however it is escaped. `1`, `"1"` and `1.0` are three ids.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHostLine } from './hostLine';
import { peekServerLine } from './serverLine';

const integerToken = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
);
const numberToken = fc.oneof(
  integerToken,
  integerToken.map((t) => `${t}.0`),
  integerToken.map((t) => `${t}e0`),
  integerToken.map((t) => `${t}E+1`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);
/** A string token, with some characters written as \u escapes. */
const stringToken = fc
  .tuple(fc.string({ maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 6 }))
  .map(([s, escapes]) =>
    JSON.stringify(s).replace(/[a-z0-9]/gi, (c, at: number) =>
      escapes[at % Math.max(1, escapes.length)]
        ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
        : c,
    ),
  );
const idToken = fc.oneof(
  numberToken,
  stringToken,
  numberToken.map((t) => JSON.stringify(t)),
);

function hostKey(token: string): string | null {
  const l = parseHostLine(Buffer.from(`{"jsonrpc":"2.0","id":${token},"method":"tools/list"}`));
  return l.kind === 'request' ? l.idKey : null;
}

function serverKey(token: string): string | null {
  const l = peekServerLine(Buffer.from(`{"result":{"tools":[]},"jsonrpc":"2.0","id":${token}}`));
  return l.kind === 'response' ? l.idKey : null;
}

function sameId(a: string, b: string): boolean {
  const va: unknown = JSON.parse(a);
  const vb: unknown = JSON.parse(b);
  if (typeof va === 'string' && typeof vb === 'string') return va === vb;
  if (typeof va === 'number' && typeof vb === 'number') return a === b;
  return false;
}

describe('id matching across directions', () => {
  it('matches a host id and a server id exactly when they are the same id', () => {
    fc.assert(
      fc.property(idToken, idToken, (a, b) => {
        const ka = hostKey(a);
        const kb = serverKey(b);
        expect(ka).not.toBeNull();
        expect(kb).not.toBeNull();
        expect(ka === kb).toBe(sameId(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches every id with itself, whatever its spelling', () => {
    fc.assert(
      fc.property(idToken, (a) => {
        expect(serverKey(a)).toBe(hostKey(a));
      }),
    );
  });

  it('matches a string id however the server escapes it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8, unit: 'grapheme' }), (s) => {
        const units = s.split(''); // UTF-16 code units: a surrogate pair becomes two escapes
        const hex = (u: string) => u.charCodeAt(0).toString(16).padStart(4, '0');
        const escaped = `"${units.map((u) => `\\u${hex(u)}`).join('')}"`;
        expect(serverKey(escaped)).toBe(hostKey(JSON.stringify(s)));
      }),
    );
  });

  it('never matches the spellings a server might swap in', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        const keys = [`${n}`, `"${n}"`, `${n}.0`, `${n}e0`].map(serverKey);
        expect(new Set(keys).size).toBe(4);
        expect(keys.slice(1)).not.toContain(hostKey(String(n)));
      }),
    );
  });
});
