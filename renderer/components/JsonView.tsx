// Arguments in full, as a pretty JSON tree: every value shown, long strings wrapped with their
// length, nothing interpreted as markup.
import { useRef, useState } from 'react';
import { sizeOf } from '../../src/contract/sizes';
import { TextViewer } from './TextViewer';
import { VisibleText } from './VisibleText';

const BLOCK_AT = 80;

export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <div className="json" role="group" aria-label={label}>
      <Node value={value} depth={0} />
    </div>
  );
}

function Node({ value, depth }: { value: unknown; depth: number }) {
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === 'string') return <StringValue text={value} />;
  if (typeof value === 'number' || typeof value === 'bigint')
    return <span className="j-num">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="j-bool">{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span>[]</span>;
    return (
      <span>
        [
        <ul className="j-list">
          {value.map((v, i) => (
            <li key={i}>
              <Node value={v} depth={depth + 1} />
              {i < value.length - 1 ? ',' : ''}
            </li>
          ))}
        </ul>
        ]
      </span>
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return <span>{'{}'}</span>;
    return (
      <span>
        {'{'}
        <ul className="j-list">
          {entries.map(([k, v], i) => (
            <li key={k}>
              <span className="j-key">
                &quot;
                <VisibleText text={k} />
                &quot;
              </span>
              : <Node value={v} depth={depth + 1} />
              {i < entries.length - 1 ? ',' : ''}
            </li>
          ))}
        </ul>
        {'}'}
      </span>
    );
  }
  return <span className="j-null">{String(value)}</span>;
}

/** Lines shown inline before the rest goes behind "View all". */
const INLINE_LINES = 12;

function StringValue({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  if (text.length <= BLOCK_AT && !text.includes('\n')) {
    return (
      <span className="j-str">
        &quot;
        <VisibleText text={text} />
        &quot;
      </span>
    );
  }
  // A final newline ends the last line; it does not start another.
  const lines = text.replace(/\r?\n$/, '').split('\n');
  const shown = lines.slice(0, INLINE_LINES);
  const size = sizeOf(text);
  const count = `${lines.length.toLocaleString('en-US')} ${lines.length === 1 ? 'line' : 'lines'}`;
  return (
    <span className="j-block">
      <span className="j-len">
        text, {size}, {count}
        <button ref={opener} type="button" className="link" onClick={() => setOpen(true)}>
          {lines.length > INLINE_LINES ? `View all ${count}` : 'Open in viewer'}
        </button>
      </span>
      <ol className="j-str j-str-block lines">
        {shown.map((l, i) => (
          <li key={i}>
            <VisibleText text={l} />
          </li>
        ))}
      </ol>
      {lines.length > INLINE_LINES ? (
        <span className="j-len">
          … {(lines.length - INLINE_LINES).toLocaleString('en-US')} more lines
        </span>
      ) : null}
      {open ? (
        <TextViewer
          title={`Text, ${size}, ${count}`}
          text={text}
          onClose={() => {
            setOpen(false);
            opener.current?.focus();
          }}
        />
      ) : null}
    </span>
  );
}
