import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { HonoEnv } from "../hono-env.ts";
import { trailingSlashRedirect } from "./trailing-slash.ts";

const app = new Hono<HonoEnv>();
app.use("*", trailingSlashRedirect());
app.get("/admin/queues", (c) => c.text("queues"));

const get = (path: string) => app.request(`http://herald.example${path}`);

describe("trailingSlashRedirect", () => {
  it("sends a GET that found nothing at /path/ to /path, with its query", async () => {
    const res = await get("/admin/queues/?x=1");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/admin/queues?x=1");
    expect((await get("/admin/queues")).status).toBe(200);
    expect((await app.request("http://herald.example/nothing/", { method: "POST" })).status).toBe(404);
  });

  it("never redirects off the site, whatever the path spells", async () => {
    const cases: Record<string, string> = {
      "//evil.example/": "/evil.example",
      "/%2e//evil.example/": "/evil.example",
      "/\\evil.example/": "/evil.example",
      "/%5Cevil.example/": "/%5Cevil.example",
      "/%09/evil.example/": "/%09/evil.example",
      "///evil.example//": "/evil.example",
    };
    for (const [path, location] of Object.entries(cases)) {
      const res = await get(path);
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location"), path).toBe(location);
    }
  });

  it("answers 301, not 500, for characters a header cannot carry decoded", async () => {
    for (const path of ["/%0d%0aSet-Cookie:%20x=y/", "/%00/", "/%E2%80%A8x/", "/caf%C3%A9/"]) {
      const res = await get(path);
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location"), path).toBe(path.slice(0, -1));
      expect(res.headers.get("set-cookie"), path).toBeNull();
    }
  });
});
