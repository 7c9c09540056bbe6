import { describe, expect, it } from 'vitest';
import { editedNoteText, MAX_NOTE_ARGS_CHARS, withLeadingText } from './editedNote';

describe('withLeadingText', () => {
  it('puts the note first in result.content and keeps every other byte', () => {
    const line =
      '{"jsonrpc":"2.0","id":1.0,"result":{"content": [ {"type":"text","text":"done"} ],"structuredContent":{"content":[1]},"_meta":{"x":1}}}';
    expect(withLeadingText(line, 'edited')).toBe(
      '{"jsonrpc":"2.0","id":1.0,"result":{"content": [{"type":"text","text":"edited"}, {"type":"text","text":"done"} ],"structuredContent":{"content":[1]},"_meta":{"x":1}}}',
    );
    expect(withLeadingText('{"jsonrpc":"2.0","id":2,"result":{"content":[]}}', 'n')).toBe(
      '{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"n"}]}}',
    );
  });

  it('leaves what has no content array alone', () => {
    expect(
      withLeadingText('{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}', 'n'),
    ).toBeNull();
    expect(withLeadingText('{"jsonrpc":"2.0","id":1,"result":{"content":"x"}}', 'n')).toBeNull();
    expect(withLeadingText('{"jsonrpc":"2.0","id":1,"result":{},"result":{}}', 'n')).toBeNull();
  });

  it('quotes the approved arguments, bounded', () => {
    expect(editedNoteText('{"path":"/b"}')).toMatch(/edited .* \{"path":"\/b"\}$/);
    const long = `{"a":"${'x'.repeat(5000)}"}`;
    expect(editedNoteText(long).length).toBeLessThan(MAX_NOTE_ARGS_CHARS + 300);
  });
});
