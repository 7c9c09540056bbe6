import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ConsentView } from './consent/ConsentView';
import { ResultReviewView } from './consent/ResultReviewView';
import { HistoryView } from './history/HistoryView';
import { RulesView } from './rules/RulesView';
import { ServersView } from './servers/ServersView';
import { SettingsView } from './settings/SettingsView';
import { useStore } from './store';
import type { Tab } from './store/ui';

const TABS: { id: Tab; label: string }[] = [
  { id: 'pending', label: 'Pending' },
  { id: 'history', label: 'History' },
  { id: 'rules', label: 'Rules' },
  { id: 'servers', label: 'Servers' },
  { id: 'settings', label: 'Settings' },
];

export function MainWindow() {
  const tab = useStore((s) => s.tab);
  const setTab = useStore((s) => s.setTab);
  const waiting = useStore((s) => s.pending.length + s.resultReviews.length);
  const notices = useStore((s) => s.hostEvents.length);
  const flagged = useStore((s) => s.flaggedResults.length);
  const paused = useStore((s) => s.settings?.paused ?? false);
  const mode = useStore((s) => s.settings?.mode ?? 'ask');
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());

  const onKeyDown = (e: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(at + step + TABS.length) % TABS.length];
    if (next) {
      setTab(next.id);
      tabRefs.current.get(next.id)?.focus();
    }
  };

  return (
    <div className="main-window">
      <header className="app-head">
        <h1>Airlock</h1>
        <div role="tablist" aria-label="Sections" onKeyDown={onKeyDown}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                if (el) tabRefs.current.set(t.id, el);
              }}
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              onClick={() => setTab(t.id)}
            >
              {t.label}
              {t.id === 'pending' && waiting > 0 ? (
                <span className="badge" aria-label={`${waiting} waiting`}>
                  {waiting}
                </span>
              ) : null}
              {t.id === 'history' && flagged > 0 ? (
                <span className="badge" aria-label={`${flagged} suspicious results`}>
                  {flagged}
                </span>
              ) : null}
              {t.id === 'servers' && notices > 0 ? (
                <span className="badge" aria-label={`${notices} host notices`}>
                  {notices}
                </span>
              ) : null}
            </button>
          ))}
        </div>
        <div className="status" aria-live="polite">
          {paused ? <span className="chip chip-bad">paused: denying all gated calls</span> : null}
          {mode === 'observe' ? <span className="chip chip-warn">observe only</span> : null}
        </div>
      </header>
      <ErrorBanner />
      <main id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'pending' ? <Waiting /> : null}
        {tab === 'history' ? <HistoryView /> : null}
        {tab === 'rules' ? <RulesView /> : null}
        {tab === 'servers' ? <ServersView /> : null}
        {tab === 'settings' ? <SettingsView /> : null}
      </main>
    </div>
  );
}

export function PopupWindow() {
  const arrivals = useStore((s) => s.arrivals);
  const sound = useStore((s) => s.settings?.sound ?? false);
  useEffect(() => {
    if (arrivals > 0 && sound) chime();
  }, [arrivals, sound]);
  return (
    <div className="popup">
      <ErrorBanner />
      <Waiting />
    </div>
  );
}

/**
 * What waits for the person: a held result first (the agent already ran the call and waits for
 * its answer), then the calls.
 */
function Waiting() {
  const results = useStore((s) => s.resultReviews.length);
  return results > 0 ? <ResultReviewView /> : <ConsentView />;
}

function ErrorBanner() {
  const error = useStore((s) => s.error);
  const clearError = useStore((s) => s.clearError);
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error}{' '}
      <button type="button" onClick={clearError} aria-label="Dismiss error">
        ✕
      </button>
    </div>
  );
}

// A short two-tone chime, synthesised: no audio file, no network.
function chime(): void {
  try {
    const ctx = new AudioContext();
    [660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.08, ctx.currentTime + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + i * 0.12 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.12);
      osc.stop(ctx.currentTime + i * 0.12 + 0.22);
    });
    window.setTimeout(() => void ctx.close(), 1000);
  } catch {
    // No audio device: the popup itself is the signal.
  }
}
