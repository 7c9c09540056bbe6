// The little of the DOM that code passed to page.evaluate uses, typed for the Node-side
// tsconfig (which has no DOM lib). Use as `const w = globalThis as unknown as PageWindow`.
// Types only: an evaluated function is serialised, so it cannot import anything at run time.

export interface PageElement {
  readonly textContent: string | null;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}

export interface PageEvent {
  readonly timeStamp: number;
  readonly target: PageElement | null;
}

export interface PageWindow {
  document: {
    body: unknown;
    querySelector(selector: string): PageElement | null;
    addEventListener(type: string, cb: (e: PageEvent) => void, capture?: boolean): void;
    removeEventListener(type: string, cb: (e: PageEvent) => void, capture?: boolean): void;
  };
  MutationObserver: new (cb: () => void) => {
    observe(target: unknown, options: Record<string, boolean>): void;
    disconnect(): void;
  };
  requestAnimationFrame(cb: () => void): number;
}
