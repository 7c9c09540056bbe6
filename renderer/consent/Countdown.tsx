import { useEffect, useState } from 'react';

export type Hold = 'none' | 'engaged' | 'editing';

/**
 * The time left before the call is denied. While the person reads (scrolls, selects, clicks)
 * or writes a message or rule, the gate's clock stands still and this says so.
 */
export function Countdown({ deadline, hold }: { deadline: number; hold: Hold }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  // A held deadline moves with the clock on the gate's side; show the time that was left.
  const [heldLeft, setHeldLeft] = useState<number | null>(null);
  useEffect(() => {
    setHeldLeft(hold === 'none' ? null : Math.max(0, deadline - Date.now()));
  }, [hold, deadline]);
  const ms = heldLeft ?? deadline - now;
  const left = Math.max(0, Math.ceil(ms / 1000));
  const text =
    hold === 'editing'
      ? `Paused while you decide (${left} s left)`
      : hold === 'engaged'
        ? `Paused while you read (${left} s left)`
        : `Denied automatically in ${left} s`;
  return (
    <span
      className={`countdown${left <= 10 && hold === 'none' ? ' urgent' : ''}${hold !== 'none' ? ' paused' : ''}`}
      role="timer"
      aria-live="off"
      data-testid="countdown"
    >
      {text}
    </span>
  );
}
