// YAML config files (Continue's config.yaml, Goose's config.yaml). The `yaml` package parses them
// into a Document whose nodes know their source ranges; edits replace those exact ranges, so
// comments, anchors, quoting and layout everywhere else survive byte for byte. Callers verify every
// edit by re-parsing, as for JSON and TOML.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YNode,
  type Pair,
} from 'yaml';
import { launchPaths } from './entry';
import { editArrayPrefix, quote, renderArray, type PrefixEdit } from './render';
import type { ConfigDocument, Span } from './document';
import type { LaunchShape } from './types';

interface Edit {
  start: number;
  end: number;
  content: string;
}

export function openYaml(text: string): ConfigDocument {
  // uniqueKeys: a duplicated key would let the host and Airlock read different servers.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) throw new Error(first.message.split('\n')[0] ?? 'invalid YAML');
  // maxAliasCount bounds the "billion laughs" expansion of aliases.
  const value: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('top level is not a mapping');
  return new YamlDocument(text, doc.contents, value);
}

class YamlDocument implements ConfigDocument {
  constructor(
    readonly text: string,
    private readonly root: unknown,
    readonly value: unknown,
  ) {}

  private pairAt(path: readonly string[]): { pair?: Pair; node?: YNode } {
    let cur: unknown = this.root;
    let pair: Pair | undefined;
    for (const k of path) {
      if (isAlias(cur))
        throw new Error('the entry uses a YAML alias; Airlock does not edit through one');
      if (isMap(cur)) {
        pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
        cur = pair?.value;
      } else if (isSeq(cur)) {
        const i = Number(k);
        pair = undefined;
        cur = Number.isInteger(i) ? cur.items[i] : undefined;
      } else return {};
      if (cur === undefined || cur === null) return pair ? { pair } : {};
    }
    if (isAlias(cur))
      throw new Error('the entry uses a YAML alias; Airlock does not edit through one');
    return { pair, node: cur as YNode };
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Just past the newline ending the line that holds `offset` (or the end of the text). */
  private lineEnd(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl < 0 ? this.text.length : nl + 1;
  }

  launchSpan(location: string[], name: string): Span | undefined {
    const { node } = this.pairAt([...location, name]);
    return node && isMap(node) && node.range
      ? { start: node.range[0], end: node.range[1] }
      : undefined;
  }

  withLaunch(
    location: string[],
    name: string,
    shape: LaunchShape,
    command: string,
    args: string[] | null,
    prefix?: PrefixEdit,
  ): string {
    const paths = launchPaths(shape);
    if (paths.args === null) throw new Error(`a command list is not supported in YAML`);
    const entry = [...location, name];
    const cmd = this.pairAt([...entry, ...paths.command]);
    if (!cmd.node || !isScalar(cmd.node) || typeof cmd.node.value !== 'string' || !cmd.node.range)
      throw new Error(`server "${name}" has no command string`);
    const edits: Edit[] = [
      { start: cmd.node.range[0], end: cmd.node.range[1], content: quote(command) },
    ];
    const argsAt = this.pairAt([...entry, ...paths.args]);
    if (args === null) {
      if (argsAt.pair) edits.push(this.removePair(argsAt.pair));
    } else if (argsAt.node && isSeq(argsAt.node) && argsAt.node.range) {
      edits.push(
        this.editSeq(argsAt.node as YNode & { range: [number, number, number] }, args, prefix),
      );
    } else if (argsAt.pair) {
      throw new Error(`server "${name}": args is not a list`);
    } else {
      // A new `args:` line below the command's, at its indentation.
      const key = cmd.pair?.key as YNode | undefined;
      const keyStart = key?.range?.[0];
      if (keyStart === undefined) throw new Error(`server "${name}": cannot place args`);
      const lead = this.text.slice(this.lineStart(keyStart), keyStart);
      const indent = lead.replace(/[^ ]/g, ' ');
      const at = this.lineEnd(cmd.node.range[1]);
      const eol = this.text.slice(at - 2, at) === '\r\n' ? '\r\n' : '\n';
      const line = `${indent}${paths.args[paths.args.length - 1]}: ${renderArray(args)}`;
      const atEof = at === this.text.length && !this.text.endsWith('\n');
      edits.push({ start: at, end: at, content: atEof ? eol + line : line + eol });
    }
    return apply(this.text, edits);
  }

  private removePair(pair: Pair): Edit {
    const key = pair.key as YNode | undefined;
    const value = pair.value as YNode | undefined;
    const start = key?.range?.[0];
    const end = value?.range?.[1] ?? key?.range?.[1];
    if (start === undefined || end === undefined) throw new Error('cannot locate args');
    const ls = this.lineStart(start);
    if (this.text.slice(ls, start).trim() !== '') throw new Error('args shares its line');
    return { start: ls, end: this.lineEnd(Math.max(end - 1, start)), content: '' };
  }

  private editSeq(
    seq: YNode & { range: [number, number, number]; flow?: boolean },
    args: string[],
    prefix?: PrefixEdit,
  ): Edit {
    const items = (isSeq(seq) ? seq.items : []) as (YNode | null)[];
    const spans = items.map((i) => {
      if (!i || !isScalar(i) || !i.range)
        throw new Error('args holds something other than strings');
      return { start: i.range[0], end: i.range[1] };
    });
    const [start, end] = [seq.range[0], seq.range[1]];
    if (seq.flow) {
      const like = this.text.slice(start, end);
      const rel = spans.map((s) => ({ start: s.start - start, end: s.end - start }));
      return {
        start,
        end,
        content: (prefix && editArrayPrefix(like, rel, prefix)) ?? renderArray(args, like),
      };
    }
    // Block list: add and drop whole `- item` lines at its head; later items stay as written.
    const first = spans[0];
    if (!prefix || !first) throw new Error('cannot rewrite a block list whole');
    const dash = this.text.slice(this.lineStart(first.start), first.start);
    if (!/^[ \t]*-[ \t]+$/.test(dash)) throw new Error('args list layout not supported');
    const keep = spans[prefix.remove];
    if (!keep) throw new Error('cannot empty a block list');
    const lines = prefix.insert.map((x) => `${dash}${quote(x)}\n`).join('');
    return { start: this.lineStart(first.start), end: this.lineStart(keep.start), content: lines };
  }

  replaceSpan(span: Span, content: string): string {
    return this.text.slice(0, span.start) + content + this.text.slice(span.end);
  }
}

function apply(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.end > sorted[i - 1]!.start) throw new Error('overlapping edits');
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.content + out.slice(e.end);
  return out;
}
