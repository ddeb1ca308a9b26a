// A uPlot chart over labelled points, with the same figures as a table for screen readers
// and keyboard users (a canvas says nothing by itself).
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartPoint {
  label: string;
  value: number;
  /** The value as shown to people (e.g. "$12.30"). */
  display: string;
}

export function Chart({
  title,
  points,
  kind = "bars",
  yLabel,
  id,
}: {
  title: string;
  points: ChartPoint[];
  kind?: "bars" | "line";
  yLabel: string;
  id: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  // Redraw only when the figures change, not on every render of the page around it.
  const figures = JSON.stringify(points);

  useEffect(() => {
    const el = host.current;
    if (!el || points.length === 0) return;
    const labels = points.map((p) => p.label);
    const xs = points.map((_, i) => i);
    const ys = points.map((p) => p.value);
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { show: true, points: { show: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, points.length - 0.5)] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          {
            stroke: "#374151",
            grid: { show: false },
            values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? "") : "")),
            incrs: [1, 2, 5, 7, 10, 14, 30],
          },
          { stroke: "#374151", label: yLabel, size: 70, grid: { stroke: "#e5e7eb" } },
        ],
        series: [
          {},
          {
            label: yLabel,
            stroke: "#1d4ed8",
            fill: kind === "bars" ? "rgba(29, 78, 216, 0.55)" : "rgba(29, 78, 216, 0.12)",
            width: kind === "bars" ? 0 : 2,
            paths: kind === "bars" ? uPlot.paths.bars!({ size: [0.7, 48] }) : undefined,
            points: { show: kind === "line" && points.length < 40 },
          },
        ],
      },
      [xs, ys],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [figures, kind, yLabel]);

  const total = points.length;
  return (
    <figure class="chart" data-chart={id} data-points={total}>
      <figcaption>{title}</figcaption>
      {total === 0 ? (
        <p class="muted">No data in this range yet.</p>
      ) : (
        <>
          <div ref={host} class="chart-canvas" role="img" aria-label={`${title}: ${total} points, ${describe(points)}`} />
          <details>
            <summary>Show the figures as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col" class="num">
                    {yLabel}
                  </th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.label}>
                    <td>{p.label}</td>
                    <td class="num">{p.display}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}

function describe(points: ChartPoint[]): string {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const peak = points.reduce((a, b) => (b.value > a.value ? b : a));
  return `from ${first.label} (${first.display}) to ${last.label} (${last.display}), highest ${peak.label} (${peak.display})`;
}
