import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextSwitches } from "./cpu-usage.ts";
import { samplePgActivity } from "./pg-activity.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(() => h?.drop());

describe("samplePgActivity", () => {
  it("reports what the database's busy backends wait for, leaving its own connection out", async () => {
    const sampler = samplePgActivity(h, 25);
    // Another connection of the same pool: one backend sleeping in PostgreSQL for 0.6 s.
    await h.sql`select pg_sleep(0.6)`;
    const activity = await sampler.stop();
    expect(activity.samples).toBeGreaterThan(5);
    expect(activity.shares["Timeout:PgSleep"]).toBeGreaterThan(0.8);
    expect(activity.activeBackends).toBeGreaterThan(0.5);
    expect(activity.activeBackends).toBeLessThanOrEqual(1);
  });

  it("reports nothing busy on an idle database", async () => {
    const sampler = samplePgActivity(h, 25);
    await new Promise((r) => setTimeout(r, 200));
    const activity = await sampler.stop();
    expect(activity.samples).toBeGreaterThan(2);
    expect(activity.activeBackends).toBe(0);
    expect(activity.shares).toEqual({});
  });
});

describe("contextSwitches", () => {
  it("counts a process's voluntary switches as it sleeps, and null for a process that is gone", async () => {
    const before = contextSwitches(process.pid);
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
    const after = contextSwitches(process.pid);
    expect(before).not.toBeNull();
    expect(after![0]).toBeGreaterThan(before![0]);
    expect(contextSwitches(2 ** 22 + 1)).toBeNull();
  });
});
