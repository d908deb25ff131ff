/**
 * Checks text against the Prometheus text exposition format (0.0.4) rules a
 * scraper relies on, returning every violation (empty = valid): line syntax,
 * names, label escaping, one TYPE/HELP per family before its samples,
 * families not interleaved, no duplicate series, counters not negative, and
 * histograms with sorted cumulative buckets ending in `+Inf` equal to `_count`.
 */
export function prometheusFormatProblems(text: string): string[] {
  const problems: string[] = [];
  const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"';
  // Values are what Go's ParseFloat reads: decimals, and Inf/NaN in any case (prom-client writes "Nan").
  const VALUE =
    "(?:[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|[nN][aA][nN])";
  const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seen = new Set<string>();
  const finished = new Set<string>();
  let current: string | null = null;
  const hist = new Map<string, { les: number[]; counts: number[]; count?: number }>();

  const familyOf = (name: string) => {
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === "histogram") return base;
    }
    return name;
  };
  const parseLabels = (raw: string | undefined) =>
    [...(raw ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
      ([, k, v]) => [k!, v!] as const,
    );
  const toNumber = (v: string) =>
    /inf/i.test(v) ? (v.startsWith("-") ? -Infinity : Infinity) : /nan/i.test(v) ? Number.NaN : Number(v);

  text.split("\n").forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line === "") return;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ""] = meta;
      if (!new RegExp(`^${NAME}$`).test(name!)) problems.push(`${at}: bad metric name ${name}`);
      if (finished.has(name!)) problems.push(`${at}: ${kind} for ${name} after its samples`);
      if (kind === "TYPE") {
        if (types.has(name!)) problems.push(`${at}: second TYPE for ${name}`);
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest))
          problems.push(`${at}: bad type ${rest}`);
        types.set(name!, rest);
      } else {
        if (helps.has(name!)) problems.push(`${at}: second HELP for ${name}`);
        helps.add(name!);
      }
      if (current && current !== name) finished.add(current);
      current = name!;
      return;
    }
    if (line.startsWith("#")) return;
    const m = SAMPLE.exec(line);
    if (!m) {
      problems.push(`${at}: not a valid sample: ${line}`);
      return;
    }
    const [, name, rawLabels, rawValue] = m;
    const family = familyOf(name!);
    if (finished.has(family)) problems.push(`${at}: ${family} samples are not contiguous`);
    if (current && current !== family) finished.add(current);
    current = family;
    const labels = parseLabels(rawLabels);
    const key = `${name}{${labels
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(",")}}`;
    if (seen.has(key)) problems.push(`${at}: duplicate series ${key}`);
    seen.add(key);
    const value = toNumber(rawValue!);
    const type = types.get(family);
    if (type === "counter" && !(value >= 0)) problems.push(`${at}: negative counter ${key}`);
    if (type === "histogram") {
      const series = labels
        .filter(([k]) => k !== "le")
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(",");
      const h = hist.get(`${family}{${series}}`) ?? { les: [], counts: [] };
      hist.set(`${family}{${series}}`, h);
      if (name!.endsWith("_bucket")) {
        const le = labels.find(([k]) => k === "le")?.[1];
        if (le === undefined) problems.push(`${at}: bucket without le`);
        else {
          h.les.push(toNumber(le));
          h.counts.push(value);
        }
      } else if (name!.endsWith("_count")) h.count = value;
    }
  });
  for (const [series, h] of hist) {
    if (h.les.at(-1) !== Infinity) problems.push(`${series}: last bucket is not +Inf`);
    for (let j = 1; j < h.les.length; j++) {
      if (!(h.les[j]! > h.les[j - 1]!)) problems.push(`${series}: buckets not sorted by le`);
      if (h.counts[j]! < h.counts[j - 1]!) problems.push(`${series}: buckets not cumulative`);
    }
    if (h.count !== h.counts.at(-1))
      problems.push(`${series}: _count ${h.count} != +Inf bucket ${h.counts.at(-1)}`);
  }
  return problems;
}
