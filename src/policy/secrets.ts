// Secrets in arguments: a model that was tricked into leaking something passes it along as
// an ordinary string, so formats with a recognisable shape are worth naming.

export type SecretKind = 'privateKey' | 'apiKey' | 'jwt' | 'entropy';

export interface SecretHit {
  kind: SecretKind;
  label: string;
  /** The secret, shortened so that a reason never repeats it. */
  masked: string;
}

// Every quantifier is bounded: real tokens are far shorter than MAX_TOKEN, and a bound keeps a
// megabyte argument from running a pattern over the whole text (and backtracking over it).
const MAX_TOKEN = 1024;
const T = MAX_TOKEN;

interface Format {
  label: string;
  /** Every match starts with one of these, at a word boundary (see HINT). */
  starts: string[];
  /** Sticky: tried only where a start was found. */
  re: RegExp;
}

const sticky = (source: string): RegExp => new RegExp(source, 'y');

const FORMATS: Format[] = [
  {
    label: 'AWS access key',
    starts: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    re: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/y,
  },
  {
    label: 'GitHub token',
    starts: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    re: sticky(`\\b(gh[pousr]_[A-Za-z0-9]{36,${T}}|github_pat_[A-Za-z0-9_]{22,${T}})\\b`),
  },
  { label: 'GitLab token', starts: ['glpat-'], re: sticky(`\\bglpat-[A-Za-z0-9_-]{20,${T}}\\b`) },
  { label: 'Slack token', starts: ['xox'], re: sticky(`\\bxox[abposr]-[A-Za-z0-9-]{10,${T}}\\b`) },
  {
    label: 'Slack webhook',
    starts: ['hooks.slack.com/services/'],
    re: sticky(`hooks\\.slack\\.com\\/services\\/[A-Za-z0-9/]{20,${T}}`),
  },
  {
    label: 'Anthropic API key',
    starts: ['sk-ant-'],
    re: sticky(`\\bsk-ant-[A-Za-z0-9_-]{20,${T}}`),
  },
  {
    label: 'OpenAI API key',
    starts: ['sk-'],
    re: sticky(`\\bsk-(?!ant-)(proj-|svcacct-)?[A-Za-z0-9_-]{20,${T}}`),
  },
  {
    label: 'Stripe key',
    starts: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'],
    re: sticky(`\\b[sr]k_(live|test)_[A-Za-z0-9]{16,${T}}\\b`),
  },
  { label: 'Google API key', starts: ['AIza'], re: /\bAIza[0-9A-Za-z_-]{35}\b/y },
  { label: 'npm token', starts: ['npm_'], re: /\bnpm_[A-Za-z0-9]{36}\b/y },
  { label: 'Hugging Face token', starts: ['hf_'], re: /\bhf_[A-Za-z]{34}\b/y },
  { label: 'SendGrid key', starts: ['SG.'], re: /\bSG\.[\w-]{22}\.[\w-]{43}\b/y },
  { label: 'Twilio key', starts: ['SK'], re: /\bSK[0-9a-f]{32}\b/y },
  {
    label: 'Azure storage key',
    starts: ['AccountKey='],
    re: sticky(`\\bAccountKey=[A-Za-z0-9+/=]{40,${T}}`),
  },
];
const PRIVATE_KEY_FORMAT = FORMATS.length;
const JWT_FORMAT = FORMATS.length + 1;

// Any case, and no fixed start: scanned over the whole text, when it has an `=` or a `:`.
const ASSIGNMENT = new RegExp(
  `\\b(api[_-]?key|(aws_)?secret_access_key|secret(_key)?|access[_-]?token|auth[_-]?token|password|passwd|client[_-]?secret)\\s{0,64}[:=]\\s{0,64}["']?[^\\s"',;]{8,${T}}`,
  'gi',
);
const ASSIGNMENT_LABEL = 'password or key assignment';

const PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/y;
const JWT = sticky(
  `\\beyJ[A-Za-z0-9_-]{5,${8 * T}}\\.eyJ[A-Za-z0-9_-]{5,${8 * T}}\\.[A-Za-z0-9_-]{10,${8 * T}}`,
);

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// One search finds every place where a known format may start at a word boundary: a text
// without any costs one native pass, instead of one pass per format. The two starts that need
// no word boundary are found by `indexOf` apart: in the same regex, as alternatives beside the
// boundary, they made the whole search about twice as slow.
const WORD_STARTS = [...new Set([...FORMATS.flatMap((f) => f.starts), 'eyJ'])].filter(
  (start) => !start.startsWith('hooks.'),
);
const WORD_HINT = new RegExp(`\\b(?:${WORD_STARTS.map(escapeRe).join('|')})`, 'g');
const LITERAL_HINTS = ['hooks.slack.com/services/', '-----BEGIN '];

interface Hint {
  at: number;
  text: string;
}

/** Every place of `literal` in `s`, in text order. */
function placesOf(s: string, literal: string): Hint[] {
  const places: Hint[] = [];
  for (let at = s.indexOf(literal); at >= 0; at = s.indexOf(literal, at + literal.length))
    places.push({ at, text: literal });
  return places;
}

/**
 * Every place where a known format may start, with the start found there: the word starts in
 * text order, then each literal's places in text order. Each format starts only with word
 * starts or only with one literal, so each format still sees its places in text order.
 */
function hints(s: string): Hint[] {
  const words: Hint[] = [];
  WORD_HINT.lastIndex = 0;
  for (let m = WORD_HINT.exec(s); m; m = WORD_HINT.exec(s)) words.push({ at: m.index, text: m[0] });
  return [...words, ...LITERAL_HINTS.flatMap((literal) => placesOf(s, literal))];
}

/** The match of a sticky regex at exactly `at`, or null. */
function matchAt(re: RegExp, s: string, at: number): string | null {
  re.lastIndex = at;
  return re.exec(s)?.[0] ?? null;
}

/**
 * Known formats, by format (FORMATS, then the private key, then JWT), each in text order and
 * without overlaps, as a scan per format would find them.
 */
function knownFormats(s: string): string[][] {
  const found: string[][] = Array.from({ length: FORMATS.length + 2 }, () => []);
  const nextFrom = new Array<number>(FORMATS.length + 2).fill(0);
  const record = (format: number, at: number, match: string | null): void => {
    if (match === null) return;
    found[format]?.push(match);
    nextFrom[format] = at + match.length;
  };
  for (const { at, text } of hints(s)) {
    FORMATS.forEach((format, i) => {
      if (at >= (nextFrom[i] ?? 0) && format.starts.some((start) => s.startsWith(start, at)))
        record(i, at, matchAt(format.re, s, at));
    });
    // A private key counts once: the first block found.
    if (text === '-----BEGIN ' && found[PRIVATE_KEY_FORMAT]?.length === 0)
      record(PRIVATE_KEY_FORMAT, at, matchAt(PRIVATE_KEY, s, at));
    if (text === 'eyJ' && at >= (nextFrom[JWT_FORMAT] ?? 0))
      record(JWT_FORMAT, at, matchAt(JWT, s, at));
  }
  return found;
}

export function mask(secret: string): string {
  return secret.length <= 10 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

/** Shannon entropy in bits per code point. */
export function entropy(s: string): number {
  const counts = new Map<number, number>();
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    counts.set(cp, (counts.get(cp) ?? 0) + 1);
    length++;
  }
  return bitsPerSymbol(counts.values(), length);
}

function bitsPerSymbol(counts: Iterable<number>, length: number): number {
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

// Characters of base64, base64url and the like: a run of 32 or more of them is a token.
const TOKEN_CODES = Uint8Array.from(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-',
  (ch) => ch.charCodeAt(0),
);
const TOKEN_CHAR = new Uint8Array(128);
for (const code of TOKEN_CODES) TOKEN_CHAR[code] = 1;
const MIN_TOKEN = 32;

const isTokenChar = (code: number): boolean => code < 128 && TOKEN_CHAR[code] === 1;

// c·log2(c) for the counts below SMALL_COUNT, filled on first use: a line of a file listing is
// one run whose entropy is wanted, and its logarithms were a quarter of that scan. Not built at
// load: a 4096-entry table built at load went with a 4 MiB rise in every shim's peak memory
// (bench/shim13, bisected). This one is 64 numbers (512 bytes), made only in a process that
// judges a long run (the shim only when it masks a held result). Each entry is the product
// tokenBits computed itself, and a count of 0 adds 0 as a skipped one did: the sum is the same
// to the last bit, so no run changes sides of RANDOM_BITS.
const SMALL_COUNT = 64;
let smallCLogC: Float64Array | null = null;

function cLogCTable(): Float64Array {
  if (smallCLogC === null) {
    smallCLogC = new Float64Array(SMALL_COUNT);
    for (let c = 1; c < SMALL_COUNT; c++) smallCLogC[c] = c * Math.log2(c);
  }
  return smallCLogC;
}

/**
 * bitsPerSymbol of a token run from its per-character `counts`, as log2(length) − Σ c·log2(c) /
 * length: only token characters occur in a run, so only their counts are read, by index (a
 * text of many short runs, a file listing say, computes this once a line).
 */
function tokenBits(counts: Uint32Array, length: number): number {
  const cLogC = cLogCTable();
  let sum = 0;
  for (let i = 0; i < TOKEN_CODES.length; i++) {
    const count = counts[TOKEN_CODES[i] as number] as number;
    sum += count < SMALL_COUNT ? (cLogC[count] as number) : count * Math.log2(count);
  }
  return Math.log2(length) - sum / length;
}

/**
 * The next maximal run of token characters at least MIN_TOKEN long at or after `from`, as
 * [start, end), or null; `counts` is filled with how often each character occurs in it. A loop
 * rather than a regex: one pass, however long a run is. It probes the character MIN_TOKEN - 1
 * ahead: when that one is not a token character, no long enough run can start before it, so
 * prose, code and blank lines are read about one character in MIN_TOKEN (plus the words that
 * reach a probe) instead of all of them. Characters are counted only in runs long enough to
 * matter, while the run is read.
 */
function nextTokenRun(s: string, from: number, counts: Uint32Array): [number, number] | null {
  const n = s.length;
  // No run of MIN_TOKEN starts in [from, i), and a run found at or after i is maximal on the
  // left: s[i - 1] is not a token character, or i is `from`.
  let i = from;
  while (i + MIN_TOKEN <= n) {
    const probe = i + MIN_TOKEN - 1;
    if (!isTokenChar(s.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isTokenChar(s.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && end - start < MIN_TOKEN && isTokenChar(s.charCodeAt(end))) end++;
    if (end - start < MIN_TOKEN) {
      // s[end] is not a token character (or the text ends): the next run starts after it.
      i = end + 1;
      continue;
    }
    counts.fill(0);
    for (let k = start; k < end; k++) {
      const code = s.charCodeAt(k);
      counts[code] = (counts[code] as number) + 1;
    }
    for (; end < n; end++) {
      const code = s.charCodeAt(end);
      if (!isTokenChar(code)) break;
      counts[code] = (counts[code] as number) + 1;
    }
    return [start, end];
  }
  return null;
}

/**
 * Whether a token with these counts (how often each ASCII character occurs in it) has the mix
 * of a random one: both cases and three digits or more. No part of a token without the mix
 * has it.
 */
function hasRandomMix(counts: Uint32Array): boolean {
  // Digits first, the rarest of the three; each case stops at its first letter found.
  let digits = 0;
  for (let c = 0x30; c <= 0x39; c++) digits += counts[c] as number;
  if (digits < 3) return false;
  let upper = false;
  for (let c = 0x41; c <= 0x5a && !upper; c++) upper = (counts[c] as number) > 0;
  if (!upper) return false;
  for (let c = 0x61; c <= 0x7a; c++) if ((counts[c] as number) > 0) return true;
  return false;
}

// Random base64 of 32+ characters scores about 4.6 bits per character or more; words, paths,
// hex hashes and UUIDs score lower or lack the mix of cases and digits. `counts`: how often
// each (ASCII) character occurs in the token, `length` characters long.
const RANDOM_BITS = 4.3;
function looksRandom(counts: Uint32Array, length: number): boolean {
  return hasRandomMix(counts) && tokenBits(counts, length) >= RANDOM_BITS;
}

// '/' is a base64 character, and also what a path is made of: a path of short names is one run
// of token characters, and a short run has many distinct characters, so its entropy is high.
// A path is read as its segments instead when nearly all of it reads as words. The pieces
// between '/', '-', '_', '+' and '=' that do not read as words (a random mix of cases and
// digits, a lone letter) may add up to fewer than this many characters: a temporary
// directory's random suffix is six, two nested ones twelve. A secret cut by slashes is still
// mostly random pieces, so it stays one run and is judged whole.
const PATH_RANDOM_BUDGET = 16;
const SLASH = 0x2f;
/** The token characters that are not letters or digits: what cuts a run into pieces. */
const SEPARATORS = [...'/+=_-'].map((ch) => ch.charCodeAt(0));

// What each ASCII token character is to a piece: a letter of either case, a digit, or
// (OTHER) a separator.
const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const KIND = new Uint8Array(128);
for (let c = 0x61; c <= 0x7a; c++) KIND[c] = LOWER;
for (let c = 0x41; c <= 0x5a; c++) KIND[c] = UPPER;
for (let c = 0x30; c <= 0x39; c++) KIND[c] = DIGIT;

// Where a camelCase name is, reading it one character at a time: optional lowercase letters,
// then words of uppercase letters followed by at least two lowercase ones (one for a first
// word of one capital: "MyApp", "GoModules"), then digits. CAMEL_NEXT[state * 4 + kind].
const CAMEL_START = 0;
const FIRST_CAPITAL = 1;
const FIRST_ONE_LOWER = 2;
const CAPITALS = 3;
const ONE_LOWER = 4;
const LOWERS = 5;
const DIGITS = 6;
const NOT_CAMEL = 7;
// prettier-ignore
const CAMEL_NEXT = Uint8Array.from([
  //           lower            upper          digit
  NOT_CAMEL,   CAMEL_START,     FIRST_CAPITAL, NOT_CAMEL, // CAMEL_START
  NOT_CAMEL,   FIRST_ONE_LOWER, CAPITALS,      NOT_CAMEL, // FIRST_CAPITAL
  NOT_CAMEL,   LOWERS,          CAPITALS,      NOT_CAMEL, // FIRST_ONE_LOWER
  NOT_CAMEL,   ONE_LOWER,       CAPITALS,      NOT_CAMEL, // CAPITALS
  NOT_CAMEL,   LOWERS,          NOT_CAMEL,     NOT_CAMEL, // ONE_LOWER
  NOT_CAMEL,   LOWERS,          CAPITALS,      DIGITS,    // LOWERS
  NOT_CAMEL,   NOT_CAMEL,       NOT_CAMEL,     DIGITS,    // DIGITS
  NOT_CAMEL,   NOT_CAMEL,       NOT_CAMEL,     NOT_CAMEL, // NOT_CAMEL
]);

/**
 * Whether a piece (letters and digits, `length` long, with these tallies) reads as a word or a
 * name: digits only; lowercase letters and digits (words, hex and base32 names); uppercase
 * letters with no digit before a letter ("README", "WIN32"); or camelCase (`camel`, its end
 * state): each uppercase run followed by two or more lowercase letters, digits only at the
 * end, and no more than twice as many uppercase letters as lowercase ones ("JaneDoe",
 * "XMLHttp", "macOSVersion", "Year2024"). Not "Q32R6w", "5D1WDE", "juycP", "PEcAtrf",
 * "KLMNPQRxy" or "R1YnbyrhaWOZwdnD", and not a lone letter: what random text cut short
 * looks like.
 */
function pieceReadsAsWord(
  length: number,
  lower: number,
  upper: number,
  upperAfterDigit: boolean,
  camel: number,
): boolean {
  if (lower + upper === 0) return true;
  if (length === 1) return false;
  if (upper === 0) return true;
  if (lower === 0) return !upperAfterDigit;
  return (camel === LOWERS || camel === DIGITS) && 2 * lower >= upper;
}

/**
 * When the run s[start, end), which holds a '/', reads as a path, the length of its longest
 * '/'-separated segment; -1 when it does not. It reads as a path when its pieces that do not
 * read as words add up to fewer than PATH_RANDOM_BUDGET characters, and they are not cut
 * short: a run of which a quarter or more is separators is text chopped up to pass as a path
 * (names are longer than three characters on average), and is judged whole. One pass, that
 * stops at the budget, so a long random run costs a few pieces. `counts` holds the run's
 * character counts.
 */
function pathLongestSegment(s: string, start: number, end: number, counts: Uint32Array): number {
  let separators = 0;
  for (const code of SEPARATORS) separators += counts[code] ?? 0;
  if (4 * separators >= end - start) return -1;
  let wordless = 0;
  let piece = start;
  let lower = 0;
  let upper = 0;
  let upperAfterDigit = false;
  let camel = CAMEL_START;
  let before = OTHER;
  let segment = start;
  let longest = 0;
  for (let k = start; k <= end; k++) {
    // Every character of a run is a token character, below 128.
    const kind = k < end ? (KIND[s.charCodeAt(k)] as number) : OTHER;
    if (kind !== OTHER) {
      if (kind === LOWER) lower++;
      else if (kind === UPPER) {
        upper++;
        if (before === DIGIT) upperAfterDigit = true;
      }
      camel = CAMEL_NEXT[camel * 4 + kind] as number;
      before = kind;
      continue;
    }
    if (k === end || s.charCodeAt(k) === SLASH) {
      longest = Math.max(longest, k - segment);
      segment = k + 1;
    }
    const length = k - piece;
    if (length > 0 && !pieceReadsAsWord(length, lower, upper, upperAfterDigit, camel)) {
      wordless += length;
      if (wordless >= PATH_RANDOM_BUDGET) return -1;
    }
    piece = k + 1;
    lower = 0;
    upper = 0;
    upperAfterDigit = false;
    camel = CAMEL_START;
    before = OTHER;
  }
  return longest;
}

/**
 * The random-looking tokens in the run s[start, end), each as [start, end). `counts` holds the
 * run's character counts (nextTokenRun fills them) and is reused for its segments. A run
 * without '/' is judged whole. One with '/' is judged whole unless it reads as a path; a path,
 * or a run that is not random as a whole, has each '/'-separated segment of MIN_TOKEN or more
 * judged on its own, so a key that is one segment of a path (or of a URL) is still found.
 * Nothing is looked at further without the mix of cases and digits a random token needs, and
 * a path with no segment long enough is done in the pass that read it as a path.
 */
function randomTokensIn(
  s: string,
  start: number,
  end: number,
  counts: Uint32Array,
): [number, number][] {
  if (!hasRandomMix(counts)) return [];
  const whole = tokenBits(counts, end - start) >= RANDOM_BITS;
  if ((counts[SLASH] as number) === 0) return whole ? [[start, end]] : [];
  if (whole) {
    const longest = pathLongestSegment(s, start, end, counts);
    if (longest < 0) return [[start, end]];
    if (longest < MIN_TOKEN) return [];
  }
  const tokens: [number, number][] = [];
  // Only a segment of MIN_TOKEN or more is judged. From a segment's start p, the last '/' in
  // the next MIN_TOKEN characters, read backwards, ends it too soon: the next one starts after
  // it. A file listing's line has a few names per MIN_TOKEN characters, so this reads a few
  // characters per segment it skips, where a search for every '/' was a call per segment.
  // Backwards, the read stops at p (s[p - 1] is a '/' or outside the run), and forwards at
  // the segment's end: each character is read at most twice, so the scan stays linear.
  let p = start;
  while (p + MIN_TOKEN <= end) {
    let slash = p + MIN_TOKEN - 1;
    while (slash >= p && s.charCodeAt(slash) !== SLASH) slash--;
    if (slash >= p) {
      p = slash + 1;
      continue;
    }
    let stop = p + MIN_TOKEN;
    while (stop < end && s.charCodeAt(stop) !== SLASH) stop++;
    counts.fill(0);
    for (let j = p; j < stop; j++) {
      const code = s.charCodeAt(j);
      counts[code] = (counts[code] as number) + 1;
    }
    if (looksRandom(counts, stop - p)) tokens.push([p, stop]);
    p = stop + 1;
  }
  return tokens;
}

export function findSecrets(s: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const formats = knownFormats(s);
  const privateKey = formats[PRIVATE_KEY_FORMAT]?.[0];
  if (privateKey) hits.push({ kind: 'privateKey', label: 'private key block', masked: privateKey });
  const known: string[] = [];
  const apiKey = (label: string, match: string): void => {
    hits.push({ kind: 'apiKey', label, masked: mask(match) });
    known.push(match);
  };
  FORMATS.forEach((format, i) => formats[i]?.forEach((match) => apiKey(format.label, match)));
  if (s.includes('=') || s.includes(':'))
    for (const match of s.matchAll(ASSIGNMENT)) apiKey(ASSIGNMENT_LABEL, match[0]);
  for (const match of formats[JWT_FORMAT] ?? []) {
    hits.push({ kind: 'jwt', label: 'JSON Web Token', masked: mask(match) });
    known.push(match);
  }
  if (!privateKey) {
    const counts = new Uint32Array(128);
    for (let run = nextTokenRun(s, 0, counts); run; run = nextTokenRun(s, run[1], counts)) {
      const [random] = randomTokensIn(s, run[0], run[1], counts);
      // A run that holds a secret already named, or is part of one, is not named again. Asked
      // only of a run with a random token: most runs have none, and this copied each.
      if (random) {
        const text = s.slice(run[0], run[1]);
        if (known.some((k) => k.includes(text) || text.includes(k))) continue;
        const token = s.slice(random[0], random[1]);
        hits.push({ kind: 'entropy', label: 'long random-looking string', masked: mask(token) });
        break;
      }
    }
  }
  return hits;
}

const SECRET_FIELD =
  /^(password|passwd|pwd|passphrase|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|auth[_-]?token|api[_-]?key|apikey|authorization|private[_-]?key|credentials?)$/i;

/** A field whose name says it carries a secret. */
export function isSecretField(key: string): boolean {
  return SECRET_FIELD.test(key);
}

/**
 * The text with every secret the detectors above find masked in place (first four and last two
 * characters kept, as `mask` shows them): known key formats, JWTs, password or key assignments,
 * private key blocks whole, and long random-looking tokens. For text Airlock stores or shows
 * (a result's excerpt), never for what is forwarded. Pure.
 */
export function maskSecrets(s: string): string {
  let out = s;
  const formats = knownFormats(s);
  const replaceAll = (found: string, by: string): void => {
    if (found.length > 0) out = out.split(found).join(by);
  };
  // A private key block goes whole, up to its END line (or the end of the text).
  for (let at = out.indexOf('-----BEGIN '); at >= 0; at = out.indexOf('-----BEGIN ', at + 1)) {
    const head = matchAt(PRIVATE_KEY, out, at);
    if (head === null) continue;
    const end = out.indexOf('-----END ', at + head.length);
    const close = end < 0 ? -1 : out.indexOf('-----', end + 9);
    const stop = close < 0 ? out.length : close + 5;
    out = `${out.slice(0, at)}${head}…(private key masked)${out.slice(stop)}`;
  }
  FORMATS.forEach((_, i) => formats[i]?.forEach((m) => replaceAll(m, mask(m))));
  for (const m of formats[JWT_FORMAT] ?? []) replaceAll(m, mask(m));
  if (out.includes('=') || out.includes(':'))
    out = out.replace(ASSIGNMENT, (m) =>
      m.replace(
        /([:=]\s{0,64}["']?)(\S+)$/,
        (_all, lead: string, value: string) => `${lead}${mask(value)}`,
      ),
    );
  const tokens: string[] = [];
  const counts = new Uint32Array(128);
  for (let run = nextTokenRun(out, 0, counts); run; run = nextTokenRun(out, run[1], counts)) {
    for (const [from, to] of randomTokensIn(out, run[0], run[1], counts))
      tokens.push(out.slice(from, to));
  }
  for (const t of tokens) replaceAll(t, mask(t));
  return out;
}
