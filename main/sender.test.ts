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

  it('accepts the drive-letter case Chromium uses on Windows, and nothing looser', () => {
    const win = {
      fileUrl: 'file:///C:/Program%20Files/Airlock/resources/app.asar/out/renderer/index.html',
      devOrigin: null,
    };
    const chromium =
      'file:///c:/Program%20Files/Airlock/resources/app.asar/out/renderer/index.html#popup';
    expect(isTrustedSender(chromium, true, win)).toBe(true);
    expect(isTrustedSender(chromium.replace('#popup', ''), true, win)).toBe(true);
    // Only the drive letter: another letter, or another case elsewhere in the path, is refused.
    expect(isTrustedSender(chromium.replace('c:', 'd:'), true, win)).toBe(false);
    expect(isTrustedSender(chromium.replace('Program', 'program'), true, win)).toBe(false);
    expect(isTrustedSender(chromium.replace('index.html', 'evil.html'), true, win)).toBe(false);
    expect(
      isTrustedSender(
        'file://evilhost/C:/Program%20Files/Airlock/resources/app.asar/out/renderer/index.html',
        true,
        win,
      ),
    ).toBe(false);
  });
});
