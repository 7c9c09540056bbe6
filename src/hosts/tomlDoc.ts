// Codex's config.toml. smol-toml reads it; edits replace the exact source spans of the `command`
// and `args` values, located by a small tokenizer that knows TOML strings, arrays, inline tables
// and comments, so the rest of the file (comments included) is untouched. Callers verify every edit
// by re-parsing.
import { parse } from 'smol-toml';
import { editArrayPrefix, indentAt, quote, renderArray, type PrefixEdit } from './render';
import type { ConfigDocument, Span } from './document';
import type { LaunchShape } from './types';

interface KeySegment {
  key: string;
  start: number;
  end: number;
}

export interface TomlStatement {
  kind: 'table' | 'array-table' | 'kv';
  /** Full dotted path: the table path for headers, table path + key for key/values. */
  path: string[];
  segments: KeySegment[];
  start: number;
  valueStart: number;
  valueEnd: number;
  /** Index just past the statement's line (after its newline, or the end of the text). */
  lineEnd: number;
}

function unescapeBasic(quoted: string): string {
  // JSON covers TOML's escapes except \UXXXXXXXX, \e and \xHH.
  const json = quoted.replace(/\\(U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|e|[\s\S])/g, (m, e: string) => {
    if (e.length === 9) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e.length === 3) return `\\u00${e.slice(1)}`;
    return e === 'e' ? '\\u001b' : m;
  });
  return JSON.parse(json) as string;
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new Error(`TOML tokenizer: ${what} at offset ${this.pos}`);
  }
  peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }
  skipBlank(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipComment(): void {
    if (this.peek() === '#') while (this.pos < this.s.length && this.peek() !== '\n') this.pos++;
  }
  /** Blanks, newlines and comments (inside arrays and multi-line inline tables). */
  skipTrivia(): void {
    for (;;) {
      this.skipBlank();
      if (this.peek() === '#') this.skipComment();
      else if (this.peek() === '\n') this.pos++;
      else if (this.peek() === '\r' && this.peek(1) === '\n') this.pos += 2;
      else return;
    }
  }

  key(): KeySegment[] {
    const segs: KeySegment[] = [];
    for (;;) {
      this.skipBlank();
      const start = this.pos;
      let key: string;
      if (this.peek() === '"') key = unescapeBasic(this.s.slice(start, this.basicString()));
      else if (this.peek() === "'") key = this.s.slice(start + 1, this.literalString() - 1);
      else {
        while (/[A-Za-z0-9_-]/.test(this.peek())) this.pos++;
        if (this.pos === start) this.fail('key expected');
        key = this.s.slice(start, this.pos);
      }
      segs.push({ key, start, end: this.pos });
      this.skipBlank();
      if (this.peek() !== '.') return segs;
      this.pos++;
    }
  }

  basicString(): number {
    this.pos++;
    while (this.pos < this.s.length) {
      const c = this.peek();
      if (c === '\\') this.pos += 2;
      else if (c === '"') return ++this.pos;
      else if (c === '\n') this.fail('newline in string');
      else this.pos++;
    }
    return this.fail('unterminated string');
  }

  literalString(): number {
    const end = this.s.indexOf("'", this.pos + 1);
    if (end < 0 || this.s.slice(this.pos, end).includes('\n'))
      this.fail('unterminated literal string');
    this.pos = end + 1;
    return this.pos;
  }

  multiline(delim: '"""' | "'''"): void {
    this.pos += 3;
    for (;;) {
      if (this.pos >= this.s.length) this.fail('unterminated multi-line string');
      if (delim === '"""' && this.peek() === '\\') {
        this.pos += 2;
        continue;
      }
      if (this.s.startsWith(delim, this.pos)) {
        this.pos += 3;
        // Up to two quotes may sit right before the closing delimiter.
        for (let i = 0; i < 2 && this.peek() === delim[0]; i++) this.pos++;
        return;
      }
      this.pos++;
    }
  }

  /** Scans one value; for an array at the top, `elements` receives its items' spans. */
  value(elements?: { start: number; end: number }[]): void {
    const c = this.peek();
    if (this.s.startsWith('"""', this.pos)) this.multiline('"""');
    else if (this.s.startsWith("'''", this.pos)) this.multiline("'''");
    else if (c === '"') this.basicString();
    else if (c === "'") this.literalString();
    else if (c === '[') {
      this.pos++;
      for (;;) {
        this.skipTrivia();
        if (this.peek() === ']') break;
        const start = this.pos;
        this.value();
        elements?.push({ start, end: this.pos });
        this.skipTrivia();
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== ']') this.fail('"," or "]" expected');
      }
      this.pos++;
    } else if (c === '{') {
      this.pos++;
      for (;;) {
        this.skipTrivia();
        if (this.peek() === '}') break;
        this.key();
        if (this.peek() !== '=') this.fail('"=" expected');
        this.pos++;
        this.skipBlank();
        this.value();
        this.skipTrivia();
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== '}') this.fail('"," or "}" expected');
      }
      this.pos++;
    } else {
      // Numbers, booleans, dates (a date may hold one space: "1979-05-27 07:32:00").
      const start = this.pos;
      while (this.pos < this.s.length && !/[,\]}#\n\r]/.test(this.peek())) this.pos++;
      while (this.pos > start && /[ \t]/.test(this.s[this.pos - 1] ?? '')) this.pos--;
      if (this.pos === start) this.fail('value expected');
    }
  }

  endOfLine(): number {
    this.skipBlank();
    this.skipComment();
    if (this.peek() === '\r' && this.peek(1) === '\n') this.pos += 2;
    else if (this.peek() === '\n') this.pos++;
    else if (this.pos < this.s.length) this.fail('end of line expected');
    return this.pos;
  }
}

export function tokenizeToml(text: string): TomlStatement[] {
  const sc = new Scanner(text);
  const out: TomlStatement[] = [];
  let table: string[] = [];
  for (;;) {
    sc.skipTrivia();
    if (sc.pos >= text.length) return out;
    const start = sc.pos;
    if (sc.peek() === '[') {
      const isArray = sc.peek(1) === '[';
      sc.pos += isArray ? 2 : 1;
      const segments = sc.key();
      if (sc.peek() !== ']' || (isArray && sc.peek(1) !== ']')) sc.fail('"]" expected');
      sc.pos += isArray ? 2 : 1;
      table = segments.map((k) => k.key);
      // Keys under an array of tables belong to one element; mark them so they never match a server.
      if (isArray) table = [...table, '[]'];
      out.push({
        kind: isArray ? 'array-table' : 'table',
        path: table,
        segments,
        start,
        valueStart: sc.pos,
        valueEnd: sc.pos,
        lineEnd: sc.endOfLine(),
      });
    } else {
      const segments = sc.key();
      if (sc.peek() !== '=') sc.fail('"=" expected');
      sc.pos++;
      sc.skipBlank();
      const valueStart = sc.pos;
      sc.value();
      const valueEnd = sc.pos;
      out.push({
        kind: 'kv',
        path: [...table, ...segments.map((k) => k.key)],
        segments,
        start,
        valueStart,
        valueEnd,
        lineEnd: sc.endOfLine(),
      });
    }
  }
}

/** Spans of the items of the array literal `text`. */
export function arrayElements(text: string): { start: number; end: number }[] {
  const sc = new Scanner(text);
  const out: { start: number; end: number }[] = [];
  sc.value(out);
  return out;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function openToml(text: string): ConfigDocument {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new Error((e as Error).message.split('\n')[0] ?? 'invalid TOML', { cause: e });
  }
  return new TomlDocument(text, value);
}

/**
 * Keys of a server table that count as part of its launch span: the startup budget and the
 * single-consent approval default Airlock writes with the wrap, so uninstall takes them back with it.
 */
const LAUNCH_EXTRAS = ['args', 'startup_timeout_sec', 'default_tools_approval_mode'];

class TomlDocument implements ConfigDocument {
  private statements: TomlStatement[] | undefined;

  constructor(
    readonly text: string,
    readonly value: unknown,
  ) {}

  private kv(path: string[]): TomlStatement | undefined {
    this.statements ??= tokenizeToml(this.text);
    return this.statements.find((s) => s.kind === 'kv' && samePath(s.path, path));
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  launchSpan(location: string[], name: string): Span | undefined {
    const cmd = this.kv([...location, name, 'command']);
    if (!cmd) return undefined;
    // The startup budget travels with the launch: raising it is part of the same undoable edit.
    const parts = [cmd, ...LAUNCH_EXTRAS.map((k) => this.kv([...location, name, k]))].filter(
      (p): p is TomlStatement => p !== undefined,
    );
    // Whole lines, so a trailing comment on the command line travels with it.
    return {
      start: Math.min(...parts.map((p) => this.lineStart(p.start))),
      end: Math.max(...parts.map((p) => p.lineEnd)),
    };
  }

  withLaunch(
    location: string[],
    name: string,
    _shape: LaunchShape,
    command: string,
    args: string[] | null,
    prefix?: PrefixEdit,
  ): string {
    const cmd = this.kv([...location, name, 'command']);
    if (!cmd)
      throw new Error(
        `server "${name}" has no command in a form Airlock can edit (inline tables are not supported)`,
      );
    if (!this.text.slice(cmd.valueStart, cmd.valueEnd).match(/^("|')/))
      throw new Error(`server "${name}": command is not a string`);
    const argsKv = this.kv([...location, name, 'args']);
    const edits: { start: number; end: number; content: string }[] = [
      { start: cmd.valueStart, end: cmd.valueEnd, content: quote(command) },
    ];
    if (args === null) {
      if (argsKv) {
        const ls = this.lineStart(argsKv.start);
        if (this.text.slice(ls, argsKv.start).trim() !== '')
          throw new Error('args shares its line');
        edits.push({ start: ls, end: argsKv.lineEnd, content: '' });
      }
    } else if (argsKv) {
      const like = this.text.slice(argsKv.valueStart, argsKv.valueEnd);
      const content =
        (prefix && like.startsWith('[') && editArrayPrefix(like, arrayElements(like), prefix)) ||
        renderArray(args, like);
      edits.push({ start: argsKv.valueStart, end: argsKv.valueEnd, content });
    } else {
      // Same key prefix as the command line (`command` or `name.command`), right below it.
      const last = cmd.segments[cmd.segments.length - 1]!;
      const prefix = this.text.slice(cmd.start, last.start);
      const eol = this.text.slice(cmd.valueEnd, cmd.lineEnd).includes('\r\n') ? '\r\n' : '\n';
      const line = `${indentAt(this.text, cmd.start)}${prefix}args = ${renderArray(args)}`;
      const atEof = cmd.lineEnd === this.text.length && !this.text.endsWith('\n');
      edits.push({
        start: cmd.lineEnd,
        end: cmd.lineEnd,
        content: atEof ? eol + line : line + eol,
      });
    }
    let out = this.text;
    for (const e of edits.sort((a, b) => b.start - a.start))
      out = out.slice(0, e.start) + e.content + out.slice(e.end);
    return out;
  }

  /** Sets a number key of a server table, in place or on a new line below its launch. */
  withNumber(location: string[], name: string, key: string, value: number): string {
    return this.withScalar(location, name, key, value);
  }

  withScalar(location: string[], name: string, key: string, value: number | string): string {
    const literal = typeof value === 'number' ? String(value) : quote(value);
    const existing = this.kv([...location, name, key]);
    if (existing)
      return this.text.slice(0, existing.valueStart) + literal + this.text.slice(existing.valueEnd);
    const cmd = this.kv([...location, name, 'command']);
    if (!cmd) throw new Error(`server "${name}" has no command line to place ${key} after`);
    const last = [cmd, this.kv([...location, name, 'args'])]
      .filter((p): p is TomlStatement => p !== undefined)
      .reduce((a, b) => (b.lineEnd > a.lineEnd ? b : a));
    const seg = cmd.segments[cmd.segments.length - 1]!;
    const prefix = this.text.slice(cmd.start, seg.start);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    const line = `${indentAt(this.text, cmd.start)}${prefix}${key} = ${literal}`;
    const atEof = last.lineEnd === this.text.length && !this.text.endsWith('\n');
    return (
      this.text.slice(0, last.lineEnd) +
      (atEof ? eol + line : line + eol) +
      this.text.slice(last.lineEnd)
    );
  }

  valueSpan(location: string[], name: string, key: string): Span | undefined {
    const kv = this.kv([...location, name, key]);
    return kv && { start: kv.valueStart, end: kv.valueEnd };
  }

  withoutKey(location: string[], name: string, key: string): string {
    const kv = this.kv([...location, name, key]);
    if (!kv) return this.text;
    const start = this.lineStart(kv.start);
    if (this.text.slice(start, kv.start).trim() !== '')
      throw new Error(`server "${name}": ${key} shares its line with another key`);
    // The line withScalar added at the end of a file without a final newline took the newline before it.
    if (kv.lineEnd === this.text.length && !this.text.endsWith('\n') && start > 0) {
      const eolStart = this.text[start - 2] === '\r' ? start - 2 : start - 1;
      return this.text.slice(0, eolStart);
    }
    return this.text.slice(0, start) + this.text.slice(kv.lineEnd);
  }

  replaceSpan(span: Span, content: string): string {
    return this.text.slice(0, span.start) + content + this.text.slice(span.end);
  }
}
