import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
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

  it("refuses unknown scopes", async () => {
    await expect(keys("create", "--name", "x", "--scopes", "root")).rejects.toThrow(/scopes/);
  });
});
