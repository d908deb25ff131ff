/** One sample: `name{labels} value`. `name` defaults to the family's (histograms use suffixes). */
export interface Sample {
  name?: string;
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/** Prometheus text exposition format (0.0.4) of `families`. Names and label names are checked. */
export function renderPrometheus(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const name = s.name ?? f.name;
      if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
      const labels = Object.entries(s.labels ?? {});
      for (const [k] of labels) if (!LABEL.test(k)) throw new Error(`invalid label name ${k}`);
      const set = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
      lines.push(`${name}${set} ${formatValue(s.value)}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** A counter family: `samples` as they are (values only ever grow). */
export const counterFamily = (name: string, help: string, samples: Sample[]): MetricFamily => ({
  name,
  help,
  type: "counter",
  samples,
});

/** A gauge family: `samples` as they are. */
export const gaugeFamily = (name: string, help: string, samples: Sample[]): MetricFamily => ({
  name,
  help,
  type: "gauge",
  samples,
});

/**
 * A histogram family from per-bucket (non-cumulative) counts: emits the
 * cumulative `_bucket{le}` series ending in `+Inf`, `_sum` and `_count`.
 */
export function histogramFamily(
  name: string,
  help: string,
  buckets: readonly number[],
  series: { labels: Record<string, string>; counts: number[]; sum: number }[],
): MetricFamily {
  const samples: Sample[] = [];
  for (const s of series) {
    let cumulative = 0;
    buckets.forEach((le, i) => {
      cumulative += s.counts[i] ?? 0;
      samples.push({ name: `${name}_bucket`, labels: { ...s.labels, le: String(le) }, value: cumulative });
    });
    cumulative += s.counts[buckets.length] ?? 0;
    samples.push({ name: `${name}_bucket`, labels: { ...s.labels, le: "+Inf" }, value: cumulative });
    samples.push({ name: `${name}_sum`, labels: s.labels, value: s.sum });
    samples.push({ name: `${name}_count`, labels: s.labels, value: cumulative });
  }
  return { name, help, type: "histogram", samples };
}
