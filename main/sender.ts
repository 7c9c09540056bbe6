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
  const withoutHash = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  if (parsed.protocol === 'file:') return withoutHash === pages.fileUrl;
  return pages.devOrigin !== null && parsed.origin === pages.devOrigin;
}
