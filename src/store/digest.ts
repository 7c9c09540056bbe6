// A result digest in the call row: its 32 bytes when it is a 64-character lowercase hex digest
// (migration 009), the text as it came otherwise (read back unchanged, so nothing is lost or
// rewritten into something it was not).
const HEX_DIGEST = /^[0-9a-f]{64}$/;

export function digestColumn(hex: string): Buffer | string {
  return HEX_DIGEST.test(hex) ? Buffer.from(hex, 'hex') : hex;
}

/** The digest column read back as the text it was written from. */
export function digestText(value: Buffer | Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('hex');
}
