import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface DashboardBuildResult {
  built: boolean;
  dist: string;
  /** Why it was (re)built: "missing", "stale"; absent when it was up to date. */
  reason?: "missing" | "stale";
  ms: number;
}

const HASH_FILE = ".source-hash";

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== "node_modules" && e.name !== "dist")
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** A hash of everything the dashboard bundle is made from (its sources and the shared domain package). */
export function dashboardSourceHash(repo: string): string {
  const app = join(repo, "apps", "dashboard");
  const inputs = [
    ...["src", "public", "index.html", "vite.config.ts", "package.json"].flatMap((p) => files(join(app, p))),
    ...files(join(repo, "packages", "domain", "src")),
  ];
  const hash = createHash("sha256");
  for (const f of inputs) hash.update(relative(repo, f)).update("\0").update(readFileSync(f)).update("\0");
  return hash.digest("hex");
}

/**
 * Builds apps/dashboard/dist with Vite when it is missing or older than its
 * sources (by content hash, so a fresh clone, a `git pull` or an edit all
 * rebuild, and nothing else does). Used by `npm start` and the test run.
 */
export function ensureDashboardBuild(
  repo: string,
  log: (line: string) => void = () => {},
): DashboardBuildResult {
  const started = Date.now();
  const app = join(repo, "apps", "dashboard");
  const dist = join(app, "dist");
  const hash = dashboardSourceHash(repo);
  const stamp = join(dist, HASH_FILE);
  const hasIndex = existsSync(join(dist, "index.html"));
  if (hasIndex && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash) {
    return { built: false, dist, ms: Date.now() - started };
  }
  const reason = hasIndex ? "stale" : "missing";
  log(`building the dashboard (${reason === "missing" ? "no build yet" : "sources changed"})…`);
  const vite = join(repo, "node_modules", "vite", "bin", "vite.js");
  const r = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: app,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`dashboard build failed (vite exited ${r.status ?? r.signal})`);
  writeFileSync(stamp, `${hash}\n`);
  return { built: true, dist, reason, ms: Date.now() - started };
}
