/**
 * `npm test`: lint and typecheck beside every test (unit, integration, e2e,
 * browser) against real PostgreSQL and Redis started for the run. Ends with
 * one line `N passed, N failed` (lint and typecheck count as one check each),
 * which is what CI reads.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");
const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;

/** A step whose output goes straight to the terminal; asynchronous, so the checks' output is read meanwhile. */
function step(name: string, cmd: string, args: string[]): Promise<boolean> {
  console.info(`\n▶ ${name}: ${cmd} ${args.join(" ")}`);
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: "inherit", env: process.env });
    let reported = false;
    const finish = (ok: boolean) => {
      if (reported) return;
      reported = true;
      console.info(`${ok ? "✔" : "✘"} ${name}`);
      done(ok);
    };
    child.on("close", (code) => finish(code === 0));
    child.on("error", () => finish(false));
  });
}

const checks: [string, string, string[]][] = [
  ["lint", "npx", ["biome", "check", "."]],
  // One compiler pass over every server-side workspace (they export TS source,
  // so per-workspace passes would re-check shared packages many times).
  ["typecheck (server)", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]],
  ["typecheck (dashboard)", "npx", ["tsc", "-p", "apps/dashboard/tsconfig.json", "--noEmit"]],
  // The browser packages (@herald/inbox, @herald/inbox-react) need DOM types, which the server pass leaves out.
  ["typecheck (browser packages)", "npx", ["tsc", "-p", "tsconfig.browser.json", "--noEmit"]],
];
/**
 * A check run beside the others and beside the tests, its output held and
 * printed whole when it ends. Four single-threaded checks took 54 s one after
 * another, and about 53 s together on two cores before the tests started;
 * the tests keep ~1.2 of the two cores busy on average (waiting on processes,
 * browsers and lock expiries), so the checks run niced beside them, on the
 * CPU the tests leave idle.
 */
function check(name: string, cmd: string, args: string[]): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn("nice", ["-n", "10", cmd, ...args], { cwd: repo, env: process.env });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let reported = false;
    const finish = (ok: boolean) => {
      if (reported) return;
      reported = true;
      console.info(`\n▶ ${name}: ${cmd} ${args.join(" ")}\n${output.trimEnd()}\n${ok ? "✔" : "✘"} ${name}`);
      done(ok);
    };
    child.on("close", (code) => finish(code === 0));
    child.on("error", (err) => {
      output += String(err);
      finish(false);
    });
  });
}

// With arguments (a file or a filter) only the tests run.
const checking =
  extra.length === 0 ? Promise.all(checks.map(([name, cmd, args]) => check(name, cmd, args))) : [];

const resultsDir = join(repo, ".herald");
mkdirSync(resultsDir, { recursive: true });
const results = join(resultsDir, "vitest-results.json");
rmSync(results, { force: true });
await step("tests", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${results}`,
  ...extra,
]);
for (const ok of await checking) {
  if (ok) passed++;
  else failed++;
}
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numFailedTestSuites: number;
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails outside its tests (import error, a failing beforeAll) has no failed tests of
  // its own: its tests are reported skipped, or not at all. It counts as one failure.
  failed += report.testResults.filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  ).length;
} else {
  failed++;
}

console.info(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
