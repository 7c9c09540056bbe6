// How the command line shows a result held for review: one line that names it (where it came
// from, the tool, its result risk, its size), then why it is held, what the scan found and the
// start of what the agent would read (masked by the gate: secrets never reach the terminal).
// Shared by `airlock pending` and `airlock gate`, kept apart from the gate command so `pending`
// does not load the gate service to print it.
import type { ResultReview } from '../contract/types';

/** Characters of a held result's excerpt in the text listing (`--json` carries all of it). */
const EXCERPT_CHARS = 300;

/** "812 B", "1.2 KB", "3.4 MB": sizes as a person reads them (1 KB = 1024 bytes). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The line that names a held result: `host/server tool [result risk high] 1.2 KB`. */
export function describeResultHead(r: ResultReview): string {
  const risk = r.risk ? `result risk ${r.risk}` : 'no findings';
  const error = r.isError ? ', an error' : '';
  return `${r.host}/${r.server} ${r.tool} [${risk}] ${formatSize(r.size)}${error}`;
}

/**
 * The start of what the agent would read, on one line: runs of spaces, tabs and line breaks
 * become one space (other invisible characters stay, for the output to show as escapes).
 */
export function excerptLine(preview: string, max = EXCERPT_CHARS): string {
  const flat = preview.replace(/[ \t\r\n]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The listing of one held result in `airlock pending`. */
export function describeHeldResult(r: ResultReview, now: number): string[] {
  const left = Math.max(0, Math.round((r.deadline - now) / 1000));
  const lines = [`${r.id}  RESULT  ${describeResultHead(r)}  (${left}s left)`];
  lines.push(
    `    held because: ${r.mode === 'all' ? 'every result of this tool is reviewed' : 'the scan flagged it'}`,
  );
  for (const f of r.findings) lines.push(`    found [${f.level}] ${f.code}: ${f.text}`);
  const excerpt = excerptLine(r.preview);
  const masked = r.hasSecrets ? ' (secrets masked here; `redact` passes it masked)' : '';
  lines.push(excerpt ? `    excerpt${masked}: ${excerpt}` : '    excerpt: (no text)');
  return lines;
}
