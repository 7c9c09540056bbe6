// Buffers for lines of megabytes, each in a memory mapping of its own, so that its memory goes
// back to the system as soon as it is freed.
//
// glibc's malloc serves requests below its mmap threshold from the heap it grows with brk, and
// raises that threshold to the size of any mapped block that is freed (up to 32 MiB). After the
// first big line is freed, the next ones land in the brk heap, which seldom shrinks: the shim's
// resident memory kept the high-water mark of big lines it no longer held (5 MB calls: up to
// 72 MiB instead of 67). A request of 32 MiB or more is always mapped and never moves the
// threshold, and the pages of a mapping that are never written cost no memory, so a big line
// asks for that much and uses the start of it. Other systems' allocators map big blocks anyway
// (there the rest would only count against the commit charge), so this is done on Linux only.

/**
 * From this size on, a line's buffer gets a mapping of its own. V8 counts the whole request as
 * external memory and collects sooner for it: for a line of 1 MB that cost more CPU (about a
 * tenth more per call) than the little memory it saves.
 */
export const OWN_MAPPING_FROM_BYTES = 4 * 1024 * 1024;
/** Above glibc's largest mmap threshold (32 MiB on 64-bit systems), with room for its header. */
const MAPPED_REQUEST_BYTES = 33 * 1024 * 1024;
const OWN_MAPPING = process.platform === 'linux';

/** A buffer of `size` bytes (not zeroed unless mapped), mapped apart when it is big (above). */
export function lineBuffer(size: number): Buffer {
  if (!OWN_MAPPING || size < OWN_MAPPING_FROM_BYTES) return Buffer.allocUnsafe(size);
  // An ArrayBuffer is zeroed with calloc, which on a fresh mapping writes nothing.
  return Buffer.from(new ArrayBuffer(Math.max(size, MAPPED_REQUEST_BYTES)), 0, size);
}

/** `parts` joined in one lineBuffer. */
export function joinedLine(parts: readonly Buffer[], size: number): Buffer {
  if (!OWN_MAPPING || size < OWN_MAPPING_FROM_BYTES) return Buffer.concat(parts, size);
  const line = lineBuffer(size);
  let at = 0;
  for (const part of parts) at += part.copy(line, at);
  return line;
}

/** The UTF-8 bytes of `text` in one lineBuffer. */
export function encodedLine(text: string): Buffer {
  if (text.length < OWN_MAPPING_FROM_BYTES / 3) return Buffer.from(text, 'utf8');
  const line = lineBuffer(Buffer.byteLength(text, 'utf8'));
  line.write(text, 'utf8');
  return line;
}
