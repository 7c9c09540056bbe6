import { useEffect, useState } from 'react';

export const APPROVE_DELAY_MS = 1000;

/**
 * False for a moment after the view appears, the window regains focus or `key` changes (a
 * different call on screen), so a click or key press aimed at something else cannot approve.
 */
export function useApproveDelay(key: unknown): boolean {
  const [armed, setArmed] = useState(false);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    const rearm = () => setEpoch((n) => n + 1);
    const onVisible = () => {
      if (document.visibilityState === 'visible') rearm();
    };
    window.addEventListener('focus', rearm);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('focus', rearm);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
  useEffect(() => {
    setArmed(false);
    const timer = window.setTimeout(() => setArmed(true), APPROVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [key, epoch]);
  return armed;
}
