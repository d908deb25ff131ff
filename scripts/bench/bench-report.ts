import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { BenchOptions } from "./bench-options.ts";
import type { RawCeiling } from "./raw-ceiling.ts";
import { SENT_SHARE } from "./scenario-capacity.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { ACCEPTED_SHARE } from "./scenario-steady.ts";
import type { WakeCost } from "./wake-cost.ts";

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; model: string; loadBefore: number[]; loadAfter: number[] };
  options: BenchOptions;
  raw: RawCeiling | null;
  /** The machine's calibration: a do-nothing HTTP server's CPU per request, seldom and often (wake-cost.ts). */
  wakeCost: WakeCost[];
  scenarios: ScenarioResult[];
}

export function machineInfo() {
  const c = cpus();
  return {
    cpus: c.length,
    model: c[0]?.model ?? "unknown",
    load: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
const ms = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "–" : x < 10 ? x.toFixed(1) : x.toFixed(0);

function latencyCell(s: ScenarioResult, priority: string): string {
  const l = s.latency.find((x) => x.priority === priority);
  return l ? `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}` : "–";
}

function rssCell(s: ScenarioResult): string {
  const entries = Object.entries(s.peakRssMb);
  if (entries.length === 0) return "–";
  const api = s.peakRssMb.api;
  const workers = entries.filter(([k]) => k.startsWith("worker")).map(([, v]) => v);
  return `api ${n0(api ?? Number.NaN)}, workers ≤ ${n0(Math.max(...workers))}`;
}

/**
 * How a scenario's processes waited: context switches (voluntary: wake-ups;
 * involuntary: preempted while runnable, i.e. competing for a core) and
 * what PostgreSQL's busy backends were waiting for.
 */
function waitLine(s: ScenarioResult): string | null {
  const switches = Object.entries(s.switchesPerSec ?? {});
  const pg = s.pgActivity;
  if (switches.length === 0 && !pg?.samples) return null;
  const parts: string[] = [];
  if (switches.length > 0)
    parts.push(
      `context switches/s voluntary / involuntary ${switches.map(([g, r]) => `${g} ${n0(r.voluntary)} / ${n0(r.involuntary)}`).join(", ")}`,
    );
  if (pg?.samples)
    parts.push(
      `PostgreSQL ${pg.activeBackends} statements running at once on average, their samples ${Object.entries(
        pg.shares,
      )
        .map(([what, share]) => `${what} ${Math.round(share * 100)}%`)
        .join(", ")}`,
    );
  return `How ${s.id}'s processes waited: ${parts.join("; ")}.`;
}

function statementLine(s: ScenarioResult): string | null {
  if (!s.pgStatements?.length) return null;
  const parts = s.pgStatements.map(
    (st) =>
      `${Math.round(st.share * 100)}% \`${st.query}…\` (${n0(st.calls)} calls, ${n0(st.rows / Math.max(1, st.calls))} rows each, ${n0((st.totalMs * 1000) / Math.max(1, st.rows))} µs a row)`,
  );
  return `PostgreSQL's execution time in ${s.id} by statement (pg_stat_statements): ${parts.join("; ")}.`;
}

function cpuCell(s: ScenarioResult): string {
  if (!s.cpu) return "–";
  const workers = Object.entries(s.cpu)
    .filter(([k]) => k.startsWith("worker"))
    .reduce((sum, [, v]) => sum + v, 0);
  const f = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(2));
  return `${f(s.cpu.api)} / ${f(workers)} / ${f(s.cpu.postgres)} / ${f(s.cpu.redis)} / ${f(s.cpu.bench)}`;
}

/** The markdown table README quotes, plus the targets and how the run went. */
export function renderMarkdown(run: BenchRun): string {
  const lines: string[] = [];
  const m = run.machine;
  lines.push(
    `Run ${run.startedAt} → ${run.finishedAt}; ${m.cpus} × ${m.model}; load average before ${m.loadBefore.join(" ")}, after ${m.loadAfter.join(" ")}; ` +
      `${run.options.workers} worker processes${run.options.criticalWorkers ? ` + ${run.options.criticalWorkers} for the critical lanes` : ""} + 1 API process; ${run.options.short ? "short" : "full"} mode, ${run.options.durationS} s per scenario.`,
  );
  lines.push("");
  if (run.wakeCost.length > 0) {
    lines.push(
      `Machine calibration (a do-nothing node:http server, CPU per request): ${run.wakeCost
        .map((w) => `${n0(w.serverUs)} µs at ${n0(w.rate)} requests/s`)
        .join(
          ", ",
        )}. The gap is what waking an idle process costs here; every hop of Herald's path pays it when the load leaves processes idle between messages.`,
    );
    lines.push("");
  }
  if (run.raw) {
    lines.push(
      `Raw BullMQ ceiling (same Redis, no Herald code): addBulk ${n0(run.raw.addPerSec)} jobs/s; add + process no-op jobs with ${run.raw.consumers} processes × concurrency ${run.raw.concurrency}: **${n0(run.raw.processedPerSec)} jobs/s**.`,
    );
    lines.push("");
  }
  lines.push(
    "| scenario | events/s accepted | notifications/s created | sent/s | critical p50 / p95 / p99 ms | normal p50 / p95 / p99 ms | API p99 ms (single POST) | peak RSS MB | CPU cores api / workers / pg / redis / bench |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
  for (const s of run.scenarios) {
    if (s.status === "skipped") {
      lines.push(`| ${s.title} | ${s.note} | | | | | | | |`);
      continue;
    }
    // The capacity search is a list of runs, reported on a line of its own below.
    if (s.capacity) continue;
    const low = s.latency.find((l) => l.priority === "low");
    const normal = s.latency.some((l) => l.priority === "normal")
      ? latencyCell(s, "normal")
      : low
        ? `${latencyCell(s, "low")} (low)`
        : "–";
    lines.push(
      `| ${s.title}${s.status === "failed" ? " (FAILED)" : ""} | ${n0(s.eventsPerSec)} | ${n0(s.notificationsPerSec)} | ${n0(s.sentPerSec)} | ${latencyCell(s, "critical")} | ${normal} | ${ms(s.api?.p99)} | ${rssCell(s)} | ${cpuCell(s)} |`,
    );
  }
  const staged = run.scenarios.filter((s) => s.stages && s.stages.length > 0);
  for (const s of staged) {
    lines.push("");
    lines.push(
      `Where ${s.id}'s accept→sent time goes, split at the notification insert: ${s
        .stages!.map(
          (st) =>
            `${st.priority} routing p50 / p99 ${n0(st.routing.p50)} / ${n0(st.routing.p99)} ms, sending ${n0(st.sending.p50)} / ${n0(st.sending.p99)} ms`,
        )
        .join("; ")}.`,
    );
  }
  for (const s of run.scenarios.filter((s) => s.windows && s.windows.length > 0)) {
    const priorities = [...new Set(s.windows!.map((w) => w.priority))];
    const series = priorities.map(
      (p) =>
        `${p} ${s
          .windows!.filter((w) => w.priority === p)
          .map((w) => `${w.atS} s: ${n0(w.p99)}`)
          .join(", ")}`,
    );
    lines.push("", `${s.id}'s accept→sent p99 by window of acceptance (ms): ${series.join("; ")}.`);
  }
  for (const s of run.scenarios.filter((s) => s.capacity && s.capacity.length > 0)) {
    const probes = s.capacity!.map(
      (p) =>
        `${n0(p.rate)} ${p.pass ? "✓" : p.normalPass ? "normal ✓" : "✗"} (${ms(p.criticalP99 ?? undefined)} / ${ms(p.normalP99 ?? undefined)} ms${
          p.acceptedPerSec < p.rate * ACCEPTED_SHARE ? `, ${n0(p.acceptedPerSec)} accepted` : ""
        }${p.sentShare < SENT_SHARE ? `, ${Math.round(p.sentShare * 100)}% sent` : ""}${p.drained ? "" : ", backlog left for the next rate"})`,
    );
    lines.push("", `${s.id}'s probes, events/s (critical / normal p99): ${probes.join(", ")}.`);
  }
  for (const s of run.scenarios) {
    const waits = waitLine(s);
    if (waits) lines.push("", waits);
    const statements = statementLine(s);
    if (statements) lines.push("", statements);
  }
  lines.push("");
  lines.push("| target | goal | measured | met |");
  lines.push("| --- | --- | --- | --- |");
  for (const s of run.scenarios) {
    for (const t of s.targets)
      lines.push(
        `| ${s.id}: ${t.what} | ${t.target} | ${t.measured} | ${t.met === null ? "–" : t.met ? "yes" : "**no**"} |`,
      );
  }
  const notes = run.scenarios.filter((s) => s.note && s.status !== "skipped");
  if (notes.length > 0) {
    lines.push("");
    for (const s of notes) lines.push(`- ${s.id}: ${s.note}`);
  }
  return `${lines.join("\n")}\n`;
}

export function writeReport(run: BenchRun, outDir: string): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, "latest.json");
  const md = join(outDir, "latest.md");
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(run));
  return { json, md };
}
