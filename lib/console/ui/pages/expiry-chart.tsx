import type { Endpoint } from '../types.ts';

const BAR = 22;
const LABEL = 220;
const WIDTH = 1000;

/** Bars of days to the earliest expiry, one per endpoint, against its warn-days line; plain SVG, no library. */
export function ExpiryChart({ endpoints }: { endpoints: readonly Endpoint[] }) {
  const rows = endpoints.map((endpoint) => ({
    name: `${endpoint.host}:${endpoint.port}`,
    days: endpoint.lastResult?.daysLeft ?? null,
    verdict: endpoint.lastResult?.verdict,
    warn: endpoint.warnDays ?? 30,
  }));
  if (rows.length === 0) return null;
  const max = Math.max(90, ...rows.map((row) => row.days ?? 0), ...rows.map((row) => row.warn));
  const scale = (days: number) => ((WIDTH - LABEL - 110) * Math.max(0, days)) / max;
  const height = rows.length * (BAR + 10) + 24;
  const summary = rows.map((row) => `${row.name}: ${row.days === null ? 'not checked' : `${row.days} days`}`).join('; ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">
        <title id="chart-title">Days to the earliest certificate expiry</title>
        <desc id="chart-desc">{summary}</desc>
        {rows.map((row, index) => {
          const y = index * (BAR + 10) + 4;
          const tone =
            row.days === null
              ? 'none'
              : row.days <= 0 || (row.verdict !== undefined && row.verdict !== 'ok' && row.verdict !== 'expiring')
                ? 'bad'
                : row.days <= row.warn
                  ? 'warn'
                  : 'good';
          return (
            <g key={row.name}>
              <text x={LABEL - 8} y={y + BAR / 2 + 5} text-anchor="end" class="chart-label">
                {row.name.length > 26 ? `${row.name.slice(0, 25)}…` : row.name}
              </text>
              <rect x={LABEL} y={y} width={row.days === null ? 0 : Math.max(2, scale(row.days))} height={BAR} rx="3" class={`bar ${tone}`} />
              <line x1={LABEL + scale(row.warn)} x2={LABEL + scale(row.warn)} y1={y - 2} y2={y + BAR + 2} class="warn-line" />
              <text x={LABEL + (row.days === null ? 0 : scale(row.days)) + 6} y={y + BAR / 2 + 5} class="chart-value">
                {row.days === null ? 'not checked' : `${row.days} d`}
              </text>
            </g>
          );
        })}
        <text x={LABEL} y={height - 6} class="chart-axis">
          0
        </text>
        <text x={WIDTH - 110} y={height - 6} text-anchor="end" class="chart-axis">
          {max} days · dashed: warn-days
        </text>
      </svg>
    </figure>
  );
}
