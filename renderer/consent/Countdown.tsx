import { useEffect, useState } from 'react';

export function Countdown({ deadline, held }: { deadline: number; held: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <span
      className={`countdown${left <= 10 && !held ? ' urgent' : ''}`}
      role="timer"
      aria-live="off"
    >
      {held ? `Paused while you decide (${left} s left)` : `Denied automatically in ${left} s`}
    </span>
  );
}
