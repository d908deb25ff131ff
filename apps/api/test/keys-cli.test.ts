import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

const repo = resolve(import.meta.dirname, "../../..");
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ API_KEY_CACHE_MS: "0" });
});
afterAll(() => api.close());

async function keys(...args: string[]) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "scripts/keys.ts", ...args],
    { cwd: repo, env: { ...process.env, DATABASE_URL: api.db.url } },
  );
  return stdout;
}

describe("npm run keys", () => {
  it("creates, lists, rotates and revokes keys straight in the database", async () => {
    const created = JSON.parse(
      await keys("create", "--name", "cli test", "--scopes", "events:write,read", "--env", "test", "--json"),
    );
    expect(created.key).toMatch(/^hk_test_[A-Za-z0-9]{40}$/);
    expect(created.scopes).toEqual(["events:write", "read"]);
    const [row] = await api.db.sql`select hash from api_keys where id = ${created.id}`;
    expect(row!.hash).toBe(createHash("sha256").update(created.key).digest("hex"));
    const auth = { authorization: `Bearer ${created.key}` };
    expect((await api.call("GET", "/v1/notifications", undefined, auth)).status).toBe(200);

    const human = await keys("list");
    expect(human).toContain(created.id);
    expect(human).toContain(`${created.key.slice(0, 12)}…${created.key.slice(-4)}`);
    expect(human).not.toContain(created.key);

    const rotated = JSON.parse(await keys("rotate", created.id, "--json"));
    expect((await api.call("GET", "/v1/notifications", undefined, auth)).status).toBe(401);
    const auth2 = { authorization: `Bearer ${rotated.key}` };
    expect((await api.call("GET", "/v1/notifications", undefined, auth2)).status).toBe(200);

    const revoked = JSON.parse(await keys("revoke", rotated.id, "--json"));
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await api.call("GET", "/v1/notifications", undefined, auth2)).status).toBe(401);
  });

  it("records create, rotate and revoke in the audit log as the CLI, user@host, with no secret", async () => {
    const who = `${userInfo().username}@${hostname()}`;
    const entries = async () =>
      (await api.call("GET", `/v1/audit-log?actorId=${encodeURIComponent(who)}`)).body.data.length as number;
    const before = await entries();
    const created = JSON.parse(await keys("create", "--name", "audited", "--scopes", "read", "--json"));
    const rotated = JSON.parse(await keys("rotate", created.id, "--grace", "1m", "--json"));
    await keys("revoke", rotated.id);
    await keys("list", "--all");
    const log = await api.call("GET", `/v1/audit-log?actorId=${encodeURIComponent(who)}`);
    expect(log.status).toBe(200);
    const mine = log.body.data
      .filter((e: { target: { id: string } | null }) => [created.id, rotated.id].includes(e.target?.id ?? ""))
      .reverse();
    expect(mine.map((e: { action: string }) => e.action)).toEqual([
      "api_key.create",
      "api_key.rotate",
      "api_key.revoke",
    ]);
    for (const e of mine) {
      expect(e.actor).toEqual({ via: "cli", id: who, name: `${who} (npm run keys)` });
      expect(e.outcome).toBe("success");
      expect(e.requestId).toMatch(/^req_/);
      expect(e.clientIp).toBeNull();
    }
    expect(mine[0].target).toEqual({ type: "api_key", id: created.id });
    expect(mine[0].details).toEqual({ name: "audited", scopes: ["read"], environment: "live" });
    expect(mine[1].target).toEqual({ type: "api_key", id: created.id });
    expect(mine[1].details).toEqual({ newKeyId: rotated.id, graceSeconds: 60 });
    expect(mine[2].target).toEqual({ type: "api_key", id: rotated.id });
    const dump = JSON.stringify(log.body);
    expect(dump).not.toContain(created.key);
    expect(dump).not.toContain(rotated.key);
    // Reads are not recorded; a refused action writes nothing.
    await expect(keys("revoke", "key_01jd8q3k5m6n7p8q9r0s1t2v3w")).rejects.toThrow(/no key/);
    expect(await entries()).toBe(before + 3);
  });

  it("refuses unknown scopes", async () => {
    await expect(keys("create", "--name", "x", "--scopes", "root")).rejects.toThrow(/scopes/);
  });
});
