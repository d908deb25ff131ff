import { defineConfig } from "vitest/config";

/**
 * Files that kill and restart processes, stop Redis or PostgreSQL, or wait on
 * wall-clock timing. They run one at a time after everything else, so no
 * other file's load stretches their timings; the rest run two at a time
 * (most of a test's time is spent waiting on child processes and servers).
 */
const SEQUENTIAL = [
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

const ALL = [
  "packages/*/src/**/*.test.{ts,tsx}",
  "apps/*/src/**/*.test.{ts,tsx}",
  "apps/*/test/**/*.test.{ts,tsx}",
  "e2e/**/*.test.ts",
  "scripts/**/*.test.ts",
];
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
          name: "parallel",
          include: ALL,
          exclude: [...EXCLUDE, ...SEQUENTIAL],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "sequential",
          include: SEQUENTIAL,
          exclude: EXCLUDE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
