// A long argument string at full height, with line numbers, search and copy. Text only: every
// line is a React text node with invisible characters shown as escapes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { VisibleText } from './VisibleText';

export function TextViewer({
  title,
  text,
  onClose,
}: {
  title: string;
  text: string;
  onClose(): void;
}) {
  const [query, setQuery] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const lines = useMemo(() => text.split('\n'), [text]);
  const matches = useMemo(() => {
    if (query === '') return [];
    const q = query.toLowerCase();
    return lines.flatMap((l, i) => (l.toLowerCase().includes(q) ? [i] : []));
  }, [lines, query]);
  const [at, setAt] = useState(0);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => searchRef.current?.focus(), []);
  // Escape closes the viewer, not the call (denying is the popup's Escape), wherever focus
  // is: heard first, in the window's capture phase.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      close.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  useEffect(() => setAt(0), [query]);
  useEffect(() => {
    const line = matches[at];
    if (line === undefined) return;
    listRef.current?.children[line]?.scrollIntoView({ block: 'center' });
  }, [matches, at]);

  const copy = async () => {
    setCopied(
      (await copyText(text))
        ? 'Copied.'
        : 'Copying was refused: select the text and copy it by hand.',
    );
  };

  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={title}>
      <div className="viewer-bar">
        <strong className="viewer-title">{title}</strong>
        <label className="sr-only" htmlFor="viewer-search">
          Search in this text
        </label>
        <input
          id="viewer-search"
          ref={searchRef}
          type="search"
          placeholder="Search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches.length > 0) {
              e.preventDefault();
              setAt((n) => (n + (e.shiftKey ? matches.length - 1 : 1)) % matches.length);
            }
          }}
        />
        <span className="muted" aria-live="polite" data-testid="viewer-matches">
          {query === ''
            ? `${lines.length} lines`
            : matches.length === 0
              ? 'no match'
              : `${at + 1} of ${matches.length} lines`}
        </span>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {copied ? (
        <p className="muted viewer-note" role="status">
          {copied}
        </p>
      ) : null}
      <ol ref={listRef} className="viewer-lines lines" tabIndex={0} aria-label="Text">
        {lines.map((l, i) => (
          <li key={i} className={matches[at] === i ? 'hit' : undefined}>
            <VisibleText text={l} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * The clipboard API where the page may use it; else the older copy command on a hidden text
 * area (it needs no permission, only the click that started it).
 */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // refused: try the copy command below
  }
  const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
    back?.focus();
  }
}
