// JSON / JSON-with-comments config files. Edits replace the exact source spans of the values they
// change, so comments, key order and formatting everywhere else survive byte for byte.
import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parseTree,
  printParseErrorCode,
  type Edit,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { launchPaths } from './entry';
import { editArrayPrefix, indentAt, quote, renderArray, type PrefixEdit } from './render';
import type { ConfigDocument, Span } from './document';
import type { LaunchShape } from './types';

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

export function openJson(text: string): ConfigDocument {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: true,
  });
  const first = errors[0];
  if (first)
    throw new Error(`${printParseErrorCode(first.error)} at ${lineCol(text, first.offset)}`);
  if (root !== undefined && root.type !== 'object') throw new Error('top level is not an object');
  return new JsonDocument(text, root);
}

class JsonDocument implements ConfigDocument {
  readonly value: unknown;

  constructor(
    readonly text: string,
    private readonly root: Node | undefined,
  ) {
    this.value = root ? nodeValue(root) : {};
  }

  valueSpan(location: string[], name: string, key: string): Span | undefined {
    const node = this.root && findNodeAtLocation(this.root, [...location, name, key]);
    return node && { start: node.offset, end: node.offset + node.length };
  }

  withoutKey(location: string[], name: string, key: string): string {
    if (!this.valueSpan(location, name, key)) return this.text;
    const m = /\n([ \t]+)\S/.exec(this.text);
    const indent = m?.[1] ?? '  ';
    const edits = modify(this.text, [...location, name, key], undefined, {
      formattingOptions: {
        insertSpaces: !indent.startsWith('\t'),
        tabSize: indent.startsWith('\t') ? 1 : indent.length,
        eol: this.text.includes('\r\n') ? '\r\n' : '\n',
      },
    });
    return applyEdits(this.text, edits);
  }

  launchSpan(location: string[], name: string): Span | undefined {
    const node = this.root && findNodeAtLocation(this.root, [...location, name]);
    return node && node.type === 'object'
      ? { start: node.offset, end: node.offset + node.length }
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
    const at = (rel: string[]): Node | undefined =>
      this.root && findNodeAtLocation(this.root, [...location, name, ...rel]);
    if (paths.args === null) {
      // One argv list (opencode): the command is its head, so the prefix edit grows by one.
      const argvNode = at(paths.command);
      if (!argvNode || argvNode.type !== 'array')
        throw new Error(`server "${name}" has no command list`);
      const argv = [command, ...(args ?? [])];
      const like = this.text.slice(argvNode.offset, argvNode.offset + argvNode.length);
      const elements = (argvNode.children ?? []).map((n) => ({
        start: n.offset - argvNode.offset,
        end: n.offset + n.length - argvNode.offset,
      }));
      const content =
        (prefix &&
          editArrayPrefix(like, elements, {
            remove: prefix.remove + 1,
            insert: [command, ...prefix.insert],
          })) ??
        renderArray(argv, like);
      return applyEditsSafely(this.text, [
        { offset: argvNode.offset, length: argvNode.length, content },
      ]);
    }
    const argsPath = paths.args;
    const cmd = at(paths.command);
    if (!cmd || cmd.type !== 'string' || !cmd.parent)
      throw new Error(`server "${name}" has no command string`);
    const argsNode = at(argsPath);
    const edits: Edit[] = [{ offset: cmd.offset, length: cmd.length, content: quote(command) }];
    if (args === null) {
      if (argsNode) {
        // Drop the property the install added; jsonc-parser removes the key and its comma cleanly.
        const removal = modify(this.text, [...location, name, ...argsPath], undefined, {
          formattingOptions: { insertSpaces: true, tabSize: 2 },
        });
        return applyEditsSafely(this.text, [...removal, ...edits]);
      }
    } else if (argsNode) {
      const like = this.text.slice(argsNode.offset, argsNode.offset + argsNode.length);
      const elements = (argsNode.type === 'array' ? (argsNode.children ?? []) : []).map((n) => ({
        start: n.offset - argsNode.offset,
        end: n.offset + n.length - argsNode.offset,
      }));
      const content =
        (prefix && editArrayPrefix(like, elements, prefix)) ?? renderArray(args, like);
      edits.push({ offset: argsNode.offset, length: argsNode.length, content });
    } else {
      const prop = cmd.parent;
      const objStart = prop.parent?.offset ?? prop.offset;
      const multiLine = this.text.slice(objStart, prop.offset).includes('\n');
      const sep = multiLine ? `\n${indentAt(this.text, prop.offset)}` : ' ';
      edits.push({
        offset: prop.offset + prop.length,
        length: 0,
        content: `,${sep}"args": ${renderArray(args)}`,
      });
    }
    return applyEditsSafely(this.text, edits);
  }

  replaceSpan(span: Span, content: string): string {
    return this.text.slice(0, span.start) + content + this.text.slice(span.end);
  }
}

/** Applies non-overlapping edits from the end, so earlier offsets stay valid. */
function applyEditsSafely(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  for (let i = 1; i < sorted.length; i++) {
    const later = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.offset + cur.length > later.offset) throw new Error('overlapping edits');
  }
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of node.children ?? []) {
        const [k, v] = p.children ?? [];
        // defineProperty: a "__proto__" key in a config file must stay a plain key.
        if (k && typeof k.value === 'string')
          Object.defineProperty(o, k.value, {
            value: v ? nodeValue(v) : undefined,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return o;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}
