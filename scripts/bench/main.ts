/**
 * `npm run bench [-- options]`: Herald's throughput, latency and memory on
 * this machine, next to the raw BullMQ ceiling measured in the same run.
 * See bench-options.ts for the options (`--short` for a run under a minute)
 * and README "Benchmarks" for how to read the output
 * (.herald/bench/latest.json and latest.md).
 */
import { join, resolve } from "node:path";
import { type BenchOptions, parseBenchOptions } from "./bench-options.ts";
import { type BenchRun, machineInfo, renderMarkdown, writeReport } from "./bench-report.ts";
import { REPO, type SystemOptions, startSystem } from "./herald-system.ts";
import { measureRawCeiling } from "./raw-ceiling.ts";
import { runCapacity } from "./scenario-capacity.ts";
import { runFanout } from "./scenario-fanout.ts";
import { runMax } from "./scenario-max.ts";
import { runMemory } from "./scenario-memory.ts";
import { emptyResult, type ScenarioResult } from "./scenario-result.ts";
import { runSlowProvider, startSlowProvider } from "./scenario-slow-provider.ts";
import { runSteady } from "./scenario-steady.ts";
import { measureWakeCost } from "./wake-cost.ts";

const say = (line: string) => console.info(`[bench] ${line}`);
// A stray rejection (a poll racing a scenario's tear-down) is reported, not fatal to the whole run.
process.on("unhandledRejection", (err) => say(`unhandled: ${(err as Error)?.stack ?? String(err)}`));

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const o = options;
const outDir = resolve(REPO, o.outDir);
const profileDir = o.profile ? join(outDir, "profiles") : undefined;
const before = machineInfo();
const run: BenchRun = {
  startedAt: new Date().toISOString(),
  finishedAt: "",
  machine: { cpus: before.cpus, model: before.model, loadBefore: before.load, loadAfter: [] },
  options: o,
  raw: null,
  wakeCost: [],
  scenarios: [],
};
say(`load average ${before.load.join(" ")} on ${before.cpus} CPUs; scenarios ${o.scenarios.join(",")}`);

// Ctrl-C (or a SIGTERM) stops the running system's processes and drops its database before exiting.
const running = new Set<Awaited<ReturnType<typeof startSystem>>>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping…`);
    void Promise.allSettled([...running].map((s) => s.stop())).then(() => process.exit(130));
  });
}

type System = Awaited<ReturnType<typeof startSystem>>;

function launch(name: string, extra: Partial<SystemOptions>): Promise<System> {
  const t0 = performance.now();
  return startSystem({
    name,
    workers: o.workers,
    criticalWorkers: o.criticalWorkers,
    ...(profileDir ? { profileDir } : {}),
    ...extra,
  }).then((system) => {
    running.add(system);
    say(`  ${name}: system up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return system;
  });
}

/**
 * `--short` has a minute and each system takes ~6 s of CPU to start (three processes
 * loading TypeScript on two cores), so steady, max and fan-out share one system there,
 * one after the other (each drains its backlog before the next starts; each seeds its
 * own users). The full run gives every scenario a fresh system.
 */
const SHARED_IN_SHORT = new Set(["steady", "max", "fanout"]);
let shared: Promise<System> | undefined;

async function withSystem<T>(
  name: string,
  extra: Partial<SystemOptions>,
  body: (s: System) => Promise<T>,
): Promise<T> {
  const share = o.short && SHARED_IN_SHORT.has(name) && Object.keys(extra).length === 0;
  if (share && !shared) shared = launch("short", {});
  const system = await (share && shared ? shared : launch(name, extra));
  try {
    return await body(system);
  } finally {
    if (!share) {
      running.delete(system);
      await system.stop();
    }
  }
}

async function scenario(name: string, fn: () => Promise<ScenarioResult | ScenarioResult[]>) {
  if (!o.scenarios.includes(name)) return;
  say(`scenario ${name}…`);
  const t = performance.now();
  try {
    const out = await fn();
    for (const r of Array.isArray(out) ? out : [out]) {
      run.scenarios.push(r);
      say(
        `  ${r.id}: ${r.status}${r.note ? ` (${r.note})` : ""}; sent ${r.sentPerSec.toFixed(0)}/s; ${r.targets
          .map((x) => `${x.what} ${x.measured} ${x.met === null ? "" : x.met ? "✓" : "✗"}`)
          .join("; ")}${r.cpu ? `; cpu ${JSON.stringify(r.cpu)}` : ""}${
          r.eventLoopP99Ms ? `; event loop p99 ms ${JSON.stringify(r.eventLoopP99Ms)}` : ""
        }`,
      );
    }
  } catch (err) {
    say(`  ${name} failed: ${(err as Error).stack}`);
    run.scenarios.push(emptyResult(name, name, "failed", (err as Error).message.slice(0, 300)));
  }
  say(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

say("machine calibration (a do-nothing HTTP server's CPU per request)…");
run.wakeCost = await measureWakeCost([50, 3000], o.short ? 1.5 : 3);
say(`  ${run.wakeCost.map((w) => `${w.serverUs.toFixed(0)} µs at ${w.rate}/s`).join(", ")}`);
if (o.scenarios.includes("raw")) {
  say("raw BullMQ ceiling…");
  run.raw = await measureRawCeiling(o.short ? 2 : 15, o.workers);
  say(
    `  addBulk ${run.raw.addPerSec.toFixed(0)} jobs/s; add+process ${run.raw.processedPerSec.toFixed(0)} jobs/s`,
  );
}
const maxChannel = process.env.BENCH_MAX_CHANNEL ?? "sms";
await scenario("steady", () => withSystem("steady", {}, (s) => runSteady(s, o)));
await scenario("max", () =>
  withSystem("max", {}, (s) => runMax(s, o, maxChannel, run.raw?.processedPerSec ?? null)),
);
await scenario("slow", async () => {
  const provider = await startSlowProvider();
  try {
    return await withSystem("slow", { workerEnv: provider.env }, (s) => runSlowProvider(s, o));
  } finally {
    await provider.stop();
  }
});
await scenario("fanout", () => withSystem("fanout", {}, (s) => runFanout(s, o)));
await scenario("memory", () => withSystem("memory", {}, (s) => runMemory(s, o)));
await scenario("capacity", () => withSystem("capacity", {}, (s) => runCapacity(s, o)));
if (shared) {
  const system = await shared;
  running.delete(system);
  await system.stop();
}

run.finishedAt = new Date().toISOString();
run.machine.loadAfter = machineInfo().load;
const files = writeReport(run, outDir);
console.info(`\n${renderMarkdown(run)}`);
say(`wrote ${files.json} and ${files.md}`);
process.exit(0);
