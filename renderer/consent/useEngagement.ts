import { useEffect, useRef, useState, type RefObject } from 'react';

/** After this long without scrolling, selecting, clicking or typing, the countdown resumes. */
export const IDLE_RESUME_MS = 4000;

/**
 * True while the person is engaged with the popup: scrolling, selecting text, clicking, typing
 * or moving focus inside `root`. Goes back to false after IDLE_RESUME_MS without any of these.
 * The first focus (Deny, focused as the popup opens) is not engagement: nobody acted yet.
 */
export function useEngagement(root: RefObject<HTMLElement | null>, key: unknown): boolean {
  const [engaged, setEngaged] = useState(false);
  const timer = useRef<number | null>(null);

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const touch = () => {
      setEngaged(true);
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => {
        timer.current = null;
        setEngaged(false);
      }, IDLE_RESUME_MS);
    };
    const onSelection = () => {
      const selection = document.getSelection();
      if (selection && !selection.isCollapsed && el.contains(selection.anchorNode)) touch();
    };
    const onFocus = (e: FocusEvent) => {
      // relatedTarget null: focus came from outside (the programmatic first focus included).
      if (e.relatedTarget !== null) touch();
    };
    // Scroll does not bubble: listen in the capture phase to hear every scrolling part.
    el.addEventListener('scroll', touch, true);
    el.addEventListener('wheel', touch, { passive: true });
    el.addEventListener('pointerdown', touch);
    el.addEventListener('keydown', touch);
    el.addEventListener('focusin', onFocus);
    document.addEventListener('selectionchange', onSelection);
    return () => {
      el.removeEventListener('scroll', touch, true);
      el.removeEventListener('wheel', touch);
      el.removeEventListener('pointerdown', touch);
      el.removeEventListener('keydown', touch);
      el.removeEventListener('focusin', onFocus);
      document.removeEventListener('selectionchange', onSelection);
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
      setEngaged(false);
    };
  }, [root, key]);

  return engaged;
}
