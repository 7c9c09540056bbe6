// Loads the built renderer (out/renderer) in a Playwright page and gives it the very same
// window.airlock the preload gives it in Electron: one function per channel, bound with
// exposeBinding to createHandlers(services), plus onEvent fed from services.subscribe.
// Same renderer, same handlers, same core; only the transport differs.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { createHandlers, dispatch } from '../src/app/handlers';
import type { AppServices } from '../src/app/services';
import { CHANNELS, type AppEvent } from '../src/contract/ipc';

/** The renderer is served from this made-up origin by request interception: no socket, no port. */
export const APP_ORIGIN = 'http://airlock.invalid';
export const RENDERER_DIR = resolve(__dirname, '../out/renderer');
/** Where the screenshots the README shows are written. */
export const DOCS_DIR = resolve(__dirname, '../docs');
/** The consent popup's size, as main/windows.ts opens it. */
export const POPUP_SIZE = { width: 460, height: 600 };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export interface OpenOptions {
  /** The consent popup (index.html#popup) or the main window. */
  route?: 'main' | 'popup';
}

export interface RendererHarness {
  page: Page;
  /** Every request the page made outside the app's own files (should stay empty). */
  foreignRequests: string[];
  /** Content-Security-Policy violations reported by the page. */
  cspViolations(): Promise<string[]>;
  /** Stops forwarding events; the page itself closes with its context. */
  detach(): void;
}

export async function openRenderer(
  context: BrowserContext,
  services: AppServices,
  options: OpenOptions = {},
): Promise<RendererHarness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `${RENDERER_DIR}/index.html is missing: run \`npx electron-vite build\` first.`,
    );
  }
  const handlers = createHandlers(services);
  const foreignRequests: string[] = [];

  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${APP_ORIGIN}/`)) {
      foreignRequests.push(url);
      return route.abort('blockedbyclient');
    }
    const path = normalize(decodeURIComponent(new URL(url).pathname)).replace(/^([/\\])+/, '');
    const file = join(RENDERER_DIR, path || 'index.html');
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });

  const page = await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${APP_ORIGIN}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      if (!foreignRequests.includes(url)) foreignRequests.push(url);
    }
  });

  // The preload's sender check, in harness form: only our page's main frame may call.
  await page.exposeBinding(
    '__airlockInvoke',
    async (source, channel: unknown, payload: unknown) => {
      if (
        source.frame !== source.page.mainFrame() ||
        !source.frame.url().startsWith(`${APP_ORIGIN}/`)
      ) {
        throw new Error('IPC refused: the sender is not an Airlock page.');
      }
      return dispatch(handlers, channel, payload);
    },
  );

  await page.addInitScript(
    ({ channels }) => {
      type Listener = (event: unknown) => void;
      interface PageGlobals {
        __airlockInvoke: (channel: string, payload: unknown) => Promise<unknown>;
        document: {
          addEventListener(
            type: 'securitypolicyviolation',
            cb: (e: { violatedDirective: string; blockedURI: string }) => void,
          ): void;
        };
      }
      const listeners = new Set<Listener>();
      const w = globalThis as unknown as PageGlobals;
      const invoke = w.__airlockInvoke;
      const api: Record<string, unknown> = {};
      for (const channel of channels)
        api[channel] = (payload?: unknown) => invoke(channel, payload);
      api.onEvent = (listener: Listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      };
      Object.defineProperty(globalThis, 'airlock', { value: Object.freeze(api) });
      Object.defineProperty(globalThis, '__airlockEmit', {
        value: (event: unknown) => listeners.forEach((l) => l(event)),
      });
      const violations: string[] = [];
      Object.defineProperty(globalThis, '__cspViolations', { value: violations });
      w.document.addEventListener('securitypolicyviolation', (e) => {
        violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    },
    { channels: [...CHANNELS] },
  );

  let attached = true;
  const unsubscribe = services.subscribe((event: AppEvent) => {
    if (!attached || page.isClosed()) return;
    page
      .evaluate(
        (e) => (globalThis as unknown as { __airlockEmit(e: unknown): void }).__airlockEmit(e),
        event,
      )
      .catch(() => {
        // The page closed between the check and the call.
      });
  });
  page.once('close', () => unsubscribe());

  await page.goto(`${APP_ORIGIN}/index.html${options.route === 'popup' ? '#popup' : ''}`);

  return {
    page,
    foreignRequests,
    cspViolations: () =>
      page.evaluate(() => [
        ...((globalThis as unknown as { __cspViolations: string[] }).__cspViolations ?? []),
      ]),
    detach: () => {
      attached = false;
      unsubscribe();
    },
  };
}

/**
 * Opens the popup with the page's clock installed and paused at the real time, so the approve
 * delay, the countdown and the idle timer move only when the test says so.
 */
export async function openPopupOnClock(
  context: BrowserContext,
  services: AppServices,
): Promise<RendererHarness> {
  await context.clock.install({ time: Date.now() - 2000 });
  const h = await openRenderer(context, services, { route: 'popup' });
  // Half a second ahead of the real clock: a call arriving now shows its full timeout.
  await h.page.clock.pauseAt(Date.now() + 500);
  return h;
}
