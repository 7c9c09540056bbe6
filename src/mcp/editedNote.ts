// Edit, then approve: the agent must learn that what ran is not what it asked, or it will
// reason about a result as if its own arguments had been used. The shim puts a text item first
// in the result's `content` (not a `_meta` note: hosts hand `content` to the model and
// generally keep `_meta` from it). The rest of the server's bytes stay as they were written.
import { parseStrictJsonDetailed } from './strictJson';

/** How much of the approved arguments the note quotes. */
export const MAX_NOTE_ARGS_CHARS = 2000;

/** What the agent reads before the result of a call a person edited. */
export function editedNoteText(argumentsJson: string): string {
  const shown =
    argumentsJson.length > MAX_NOTE_ARGS_CHARS
      ? `${argumentsJson.slice(0, MAX_NOTE_ARGS_CHARS)}… (${argumentsJson.length - MAX_NOTE_ARGS_CHARS} more characters)`
      : argumentsJson;
  return `Note from Airlock: the user edited this call's arguments before approving it. It ran with these arguments, not the ones you sent: ${shown}`;
}

/**
 * A response line with a text item put first in `result.content`; null when the line has no
 * such array (an error response, a result of another shape, or a line that does not parse
 * strictly): the caller passes it on unchanged then.
 */
export function withLeadingText(line: string, text: string): string | null {
  let parsed: ReturnType<typeof parseStrictJsonDetailed>;
  try {
    parsed = parseStrictJsonDetailed(line, { capture: [['result', 'content']] });
  } catch {
    return null;
  }
  const [raw] = parsed.raw;
  const [at] = parsed.rawAt;
  if (raw === undefined || at === undefined || !raw.startsWith('[')) return null;
  const item = JSON.stringify({ type: 'text', text });
  const empty = /^\[\s*\]$/.test(raw);
  return `${line.slice(0, at + 1)}${item}${empty ? '' : ','}${line.slice(at + 1)}`;
}
