import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DecisionKind } from '../../src/contract/types';
import { useStore } from '../store';

// Decisions folded into the few groups worth a colour.
const GROUPS: { key: string; label: string; kinds: DecisionKind[]; color: string }[] = [
  { key: 'approved', label: 'Approved', kinds: ['approved'], color: '#2f9e44' },
  { key: 'auto', label: 'Auto-approved', kinds: ['auto-approved', 'observed'], color: '#8ce99a' },
  { key: 'denied', label: 'Denied', kinds: ['denied'], color: '#e03131' },
  { key: 'autoDenied', label: 'Auto-denied', kinds: ['auto-denied'], color: '#ffa8a8' },
  {
    key: 'other',
    label: 'Timed out / other',
    kinds: ['timed-out', 'cancelled', 'unreachable', 'interrupted'],
    color: '#adb5bd',
  },
];

export function HistoryCharts() {
  const stats = useStore((s) => s.stats);
  if (!stats) return null;
  const perDay = stats.perDay.map((d) => ({
    day: d.day.slice(5),
    ...Object.fromEntries(
      GROUPS.map((g) => [g.key, g.kinds.reduce((n, k) => n + (d.counts[k] ?? 0), 0)]),
    ),
  }));
  const top = stats.topTools.map((t) => ({ name: `${t.server} · ${t.tool}`, count: t.count }));
  return (
    <div className="charts">
      <figure aria-label="Calls per day by decision">
        <figcaption>Calls per day</figcaption>
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={perDay}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} width={40} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {GROUPS.map((g) => (
              <Bar
                key={g.key}
                dataKey={g.key}
                name={g.label}
                stackId="d"
                fill={g.color}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure aria-label="Busiest tools">
        <figcaption>Busiest tools</figcaption>
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={top} layout="vertical" margin={{ left: 20 }}>
            <XAxis type="number" allowDecimals={false} fontSize={11} />
            <YAxis type="category" dataKey="name" width={150} fontSize={11} interval={0} />
            <Tooltip />
            <Bar dataKey="count" name="Calls" fill="#4c6ef5" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
