import { describe, expect, it } from "vitest";
import { whenDatabaseReachable } from "./when-reachable.ts";

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("whenDatabaseReachable", () => {
  it("tries again while PostgreSQL is unreachable, saying so each time, then resolves with the result", async () => {
    const warned: unknown[] = [];
    let tries = 0;
    const result = await whenDatabaseReachable(
      async () => {
        if (++tries < 3) throw refused();
        return "migrated";
      },
      { warn: (fields) => warned.push(fields) },
      { firstDelayMs: 5, maxDelayMs: 8 },
    );
    expect(result).toBe("migrated");
    expect(tries).toBe(3);
    expect(warned).toEqual([
      { err: "connect ECONNREFUSED 127.0.0.1:5432", retryInMs: 5 },
      { err: "connect ECONNREFUSED 127.0.0.1:5432", retryInMs: 8 },
    ]);
  });

  it("throws any other error at once: waiting does not fix a wrong password or a bad migration", async () => {
    let tries = 0;
    const wrongPassword = Object.assign(new Error("password authentication failed"), { code: "28P01" });
    await expect(
      whenDatabaseReachable(
        async () => {
          tries++;
          throw wrongPassword;
        },
        { warn: () => {} },
      ),
    ).rejects.toBe(wrongPassword);
    expect(tries).toBe(1);
  });
});
