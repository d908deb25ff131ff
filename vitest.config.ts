import { defineConfig } from "vitest/config";

/**
 * Files that kill and restart processes, stop Redis or PostgreSQL, or wait on
 * wall-clock timing. They run after everything else, two at a time, so the
 * other groups' load does not stretch their timings. Most of their time is
 * spent waiting (lock expiries, restarts): one at a time they took 305 s
 * with the vitest process using 0.6 of a core; two at a time, 202 s, all
 * passing (15:55 on 2026-12-07). `npm start`'s e2e is one of them although it
 * kills only what it started: run beside the integration files, its nine
 * starts of PostgreSQL, Redis and three apps took 229 s and stretched that
 * whole group (vitest 1,086 s in all).
 */
const FAULTS = [
  "apps/worker/test/faults/**/*.test.ts",
  "e2e/reliability/outages.test.ts",
  "e2e/start/**/*.test.ts",
  "apps/worker/test/critical-standby.test.ts",
  "apps/worker/src/reliability/critical-standby.test.ts",
  "apps/worker/src/reliability/health-server.test.ts",
  "apps/worker/test/send-batch.test.ts",
  "apps/worker/test/provider-limiter.test.ts",
  "apps/worker/test/provider-limits.test.ts",
  "packages/jobs/src/redis-outage-log.test.ts",
];

/**
 * Tests next to the code. They share each worker's loaded modules (no
 * isolation between files): loading the packages again for every file was
 * most of their time (125 files: 153 s → 93 s of wall time, 109 s → 39 s of
 * CPU). None of them sets globals, the environment or module mocks that
 * outlive the file; anything that must should go in `test/` instead.
 */
const NEXT_TO_CODE = ["packages/*/src/**/*.test.{ts,tsx}", "apps/*/src/**/*.test.{ts,tsx}"];

/**
 * The slower integration and e2e files. They share each worker's loaded
 * modules too: with a fresh module graph per file, loading the packages
 * again (tsx-transformed API, worker, templates) took ~300 s of CPU in a
 * run, about half the group's wall time on two cores; without, the same 155
 * files took 328 s of wall time and 14 s of imports (15:42 on 2026-12-07).
 * Their state lives in what each file starts (its database, queue prefix,
 * servers), never in module globals, module mocks (`vi.mock`) or
 * `process.env`.
 */
const INTEGRATION = ["apps/*/test/**/*.test.{ts,tsx}", "e2e/**/*.test.ts", "scripts/**/*.test.ts"];
const EXCLUDE = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  test: {
    globalSetup: ["./packages/testkit/src/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: NEXT_TO_CODE,
          exclude: [...EXCLUDE, ...FAULTS],
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "parallel",
          include: INTEGRATION,
          exclude: [...EXCLUDE, ...FAULTS],
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "faults",
          include: FAULTS,
          exclude: EXCLUDE,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
