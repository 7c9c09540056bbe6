import { describe, it, expect } from 'vitest';
import { isTrustedSender } from './sender';

const pages = { fileUrl: 'file:///opt/Airlock/out/renderer/index.html', devOrigin: null };

describe('isTrustedSender', () => {
  it('accepts our page in a main frame, popup hash included', () => {
    expect(isTrustedSender('file:///opt/Airlock/out/renderer/index.html', true, pages)).toBe(true);
    expect(isTrustedSender('file:///opt/Airlock/out/renderer/index.html#popup', true, pages)).toBe(
      true,
    );
  });

  it('rejects subframes, other files, remote pages and garbage', () => {
    expect(isTrustedSender('file:///opt/Airlock/out/renderer/index.html', false, pages)).toBe(
      false,
    );
    expect(isTrustedSender('file:///tmp/evil.html', true, pages)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true, pages)).toBe(false);
    expect(isTrustedSender('not a url', true, pages)).toBe(false);
    expect(isTrustedSender(undefined, true, pages)).toBe(false);
  });

  it('accepts the dev server only when one is configured', () => {
    const dev = { ...pages, devOrigin: 'http://localhost:5173' };
    expect(isTrustedSender('http://localhost:5173/#popup', true, dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/', true, pages)).toBe(false);
    expect(isTrustedSender('http://localhost:5174/', true, dev)).toBe(false);
  });
});
