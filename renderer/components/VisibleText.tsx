// Untrusted text as React text nodes, with invisible and control characters as visible escapes.
import { visibleSegments } from '../../src/contract/visible';

export function VisibleText({ text }: { text: string }) {
  return (
    <>
      {visibleSegments(text).map((s, i) =>
        s.escaped ? (
          <span key={i} className="escape" title="invisible or control character">
            {s.text}
          </span>
        ) : (
          s.text
        ),
      )}
    </>
  );
}
