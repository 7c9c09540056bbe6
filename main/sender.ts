// Every IPC message must come from our own page, in our own window's main frame: a frame
// that navigated elsewhere (which should be impossible) or a subframe gets nothing.

export interface TrustedPages {
  /** file:// URL of out/renderer/index.html. */
  fileUrl: string;
  /** electron-vite's dev server, only when not packaged. */
  devOrigin: string | null;
}

export function isTrustedSender(
  url: string | undefined,
  isMainFrame: boolean,
  pages: TrustedPages,
): boolean {
  if (!url || !isMainFrame) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') return sameFile(parsed, pages.fileUrl);
  return pages.devOrigin !== null && parsed.origin === pages.devOrigin;
}

/**
 * Compares file:// URLs without their hash. A Windows drive letter is case-insensitive, and
 * Chromium spells it as it pleases (`file:///c:/…` where Node's pathToFileURL wrote `C:`), so
 * only the letter's case is forgiven; every other character must match.
 */
function sameFile(sender: URL, ours: string): boolean {
  let expected: URL;
  try {
    expected = new URL(ours);
  } catch {
    return false;
  }
  const drive = (pathname: string) =>
    pathname.replace(/^\/([A-Za-z])(:|%3A)/, (_m, letter: string) => `/${letter.toUpperCase()}:`);
  return (
    expected.protocol === 'file:' &&
    sender.host === expected.host &&
    drive(sender.pathname) === drive(expected.pathname)
  );
}
