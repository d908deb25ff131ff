import { useLayoutEffect, useRef, useState } from "react";

const H = 160;
const PAD = { top: 12, right: 8, bottom: 22, left: 36 };

const timeLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

interface Point {
  at: string;
  value: number;
}

/**
 * A small responsive SVG chart (bars or an area line) with a y-axis at 0,
 * half and max, and time labels at both ends and the middle.
 */
export function MiniChart({
  points,
  kind,
  label,
  format = (v) => String(v),
  tone = "accent",
  max: fixedMax,
}: {
  points: Point[];
  kind: "bars" | "line";
  label: string;
  format?: (v: number) => string;
  tone?: "accent" | "bad";
  max?: number;
}) {
  // Drawn at its real pixel width (no scaling), so labels stay 11 px on a phone too.
  const ref = useRef<HTMLDivElement>(null);
  const [W, setW] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setW(Math.max(200, Math.round(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const max = fixedMax ?? niceMax(Math.max(...points.map((p) => p.value), 0));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length <= 1 ? iw / 2 : (i * iw) / (points.length - 1));
  const y = (v: number) => PAD.top + ih - (v / max) * ih;
  const step = iw / Math.max(points.length, 1);
  const ticks = [0, max / 2, max];
  const labels = [0, Math.floor((points.length - 1) / 2), points.length - 1].filter((i) => points[i]);
  return (
    <div ref={ref} className="chart-box">
      <svg
        className={`chart chart-${tone}`}
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`${label}: ${points.map((p) => `${timeLabel(p.at)} ${format(p.value)}`).join(", ")}`}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="axis" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {format(t)}
            </text>
          </g>
        ))}
        {kind === "bars"
          ? points.map((p, i) => {
              const h = (p.value / max) * ih;
              return (
                <rect
                  key={p.at}
                  className="bar"
                  x={PAD.left + i * step + step * 0.15}
                  width={step * 0.7}
                  y={PAD.top + ih - h}
                  height={Math.max(h, p.value > 0 ? 1.5 : 0)}
                  rx={2}
                >
                  <title>{`${timeLabel(p.at)}: ${format(p.value)}`}</title>
                </rect>
              );
            })
          : points.length > 0 && (
              <>
                <path
                  className="area"
                  d={`M${x(0)},${y(0)} ${points.map((p, i) => `L${x(i)},${y(p.value)}`).join(" ")} L${x(points.length - 1)},${y(0)} Z`}
                />
                <path
                  className="line"
                  d={points.map((p, i) => `${i ? "L" : "M"}${x(i)},${y(p.value)}`).join(" ")}
                />
              </>
            )}
        {labels.map((i) => (
          <text
            key={i}
            className="axis"
            x={kind === "bars" ? PAD.left + i * step + step / 2 : x(i)}
            y={H - 6}
            textAnchor={i === 0 ? "start" : i === points.length - 1 ? "end" : "middle"}
          >
            {timeLabel(points[i]!.at)}
          </text>
        ))}
      </svg>
    </div>
  );
}
