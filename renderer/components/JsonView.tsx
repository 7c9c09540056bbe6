// Arguments in full, as a pretty JSON tree: every value shown, long strings wrapped with their
// length, nothing interpreted as markup.
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

function StringValue({ text }: { text: string }) {
  if (text.length <= BLOCK_AT && !text.includes('\n')) {
    return (
      <span className="j-str">
        &quot;
        <VisibleText text={text} />
        &quot;
      </span>
    );
  }
  const lines = text.split('\n').length;
  return (
    <span className="j-block">
      <span className="j-len">
        string, {text.length.toLocaleString('en-US')} characters
        {lines > 1 ? `, ${lines} lines` : ''}
      </span>
      <span className="j-str j-str-block">
        <VisibleText text={text} />
      </span>
    </span>
  );
}
