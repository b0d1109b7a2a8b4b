import type { RedSeries } from '@mobileplane/backstage-plugin-mobileplane-common';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
const WIDTH = 320;
const HEIGHT = 120;

/** A small line chart per revision (stable vs canary). No chart library: the portal needs lines and a legend. */
export function LineChart(props: { title: string; series: RedSeries[]; format(value: number): string }) {
  const points = props.series.flatMap((s) => s.points);
  if (points.length === 0) {
    return (
      <figure style={{ margin: 0 }}>
        <figcaption>{props.title}</figcaption>
        <p>No data</p>
      </figure>
    );
  }
  const xs = points.map(([t]) => t);
  const ys = points.map(([, v]) => v);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y1 = Math.max(...ys, 0) || 1;
  const x = (t: number) => (x1 === x0 ? WIDTH / 2 : ((t - x0) / (x1 - x0)) * WIDTH);
  const y = (v: number) => HEIGHT - (v / y1) * HEIGHT;
  const last = props.series.map((s) => `${s.revision} ${props.format(s.points.at(-1)?.[1] ?? 0)}`).join(', ');
  return (
    <figure style={{ margin: 0 }}>
      <figcaption>{`${props.title} (max ${props.format(y1)})`}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        height={HEIGHT}
        role="img"
        aria-label={`${props.title}, latest: ${last}`}
        preserveAspectRatio="none"
      >
        {props.series.map((s, i) => (
          <polyline
            key={s.revision}
            fill="none"
            stroke={COLORS[i % COLORS.length]}
            strokeWidth={2}
            points={s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <div>
        {props.series.map((s, i) => (
          <span key={s.revision} style={{ marginRight: 12, color: COLORS[i % COLORS.length] }}>
            {`■ ${s.revision}`}
          </span>
        ))}
      </div>
    </figure>
  );
}
