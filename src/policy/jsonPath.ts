// A small JSON path: `$.a.b[0]`, `a.b`, `files[*].path`, `['odd key']`. A wildcard selects
// every element; rule conditions then hold only when they hold for each one.

export type PathSegment =
  { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** Parse a JSON path; throws an Error saying what is wrong. */
export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  if (path.startsWith('$')) i = 1;
  else if (path !== '' && path[0] !== '[' && path[0] !== '.') {
    i = readName(path, 0, segments);
  }
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 2;
      } else {
        i = readName(path, i + 1, segments);
      }
    } else if (ch === '[') {
      i = readBracket(path, i, segments);
    } else {
      throw new Error(`Unexpected "${ch}" at position ${i} in the JSON path "${path}".`);
    }
  }
  return segments;
}

function readName(path: string, start: number, out: PathSegment[]): number {
  let end = start;
  while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
  if (end === start) throw new Error(`Empty name at position ${start} in the JSON path "${path}".`);
  out.push({ kind: 'key', key: path.slice(start, end) });
  return end;
}

function readBracket(path: string, start: number, out: PathSegment[]): number {
  const quote = path[start + 1];
  if (quote === "'" || quote === '"') {
    let key = '';
    let i = start + 2;
    for (; i < path.length && path[i] !== quote; i++) {
      if (path[i] === '\\' && i + 1 < path.length) i++;
      key += path[i];
    }
    if (path[i] !== quote || path[i + 1] !== ']') {
      throw new Error(`Unclosed quoted name at position ${start} in the JSON path "${path}".`);
    }
    out.push({ kind: 'key', key });
    return i + 2;
  }
  const close = path.indexOf(']', start);
  if (close < 0) throw new Error(`Missing "]" after position ${start} in the JSON path "${path}".`);
  const inner = path.slice(start + 1, close).trim();
  if (inner === '*') out.push({ kind: 'wildcard' });
  else if (/^\d+$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
  else throw new Error(`"[${inner}]" is neither an index nor * in the JSON path "${path}".`);
  return close + 1;
}

function step(value: unknown, segment: PathSegment): unknown[] {
  if (segment.kind === 'wildcard') {
    if (Array.isArray(value)) return value;
    if (value !== null && typeof value === 'object') return Object.values(value);
    return [];
  }
  if (Array.isArray(value)) {
    const index =
      segment.kind === 'index'
        ? segment.index
        : /^\d+$/.test(segment.key)
          ? Number(segment.key)
          : -1;
    return index >= 0 && index < value.length ? [value[index]] : [];
  }
  if (
    segment.kind === 'key' &&
    value !== null &&
    typeof value === 'object' &&
    Object.hasOwn(value, segment.key)
  ) {
    return [(value as Record<string, unknown>)[segment.key]];
  }
  return [];
}

/** Every value the path selects (none when it does not exist or does not parse). */
export function selectJsonPath(value: unknown, path: string): unknown[] {
  let segments: PathSegment[];
  try {
    segments = parseJsonPath(path);
  } catch {
    return [];
  }
  let current: unknown[] = [value];
  for (const segment of segments) current = current.flatMap((v) => step(v, segment));
  return current;
}
