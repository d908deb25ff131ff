import { getNotification, getTimeline } from "@herald/db";
import { eventually } from "@herald/testkit";
import { signTrackingToken, trackingLinks } from "@herald/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSentNotification, timelineOf } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

const SECRET = "tracking-secret-for-tests-0123456789abcdef";
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ TRACKING_SECRET: SECRET, PUBLIC_URL: "https://herald.example.com" });
});
afterAll(async () => {
  await api?.close();
});

/** A browser or mail client: no API key, no redirect following. */
const get = (path: string) => api.app.request(path, { method: "GET", redirect: "manual" });
const pathOf = (url: string) => new URL(url).pathname;

describe("open pixel and click redirect", () => {
  it("the pixel marks READ once and answers a non-cacheable GIF", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const pixel = pathOf(trackingLinks("https://herald.example.com", SECRET, n.id).open());
    const res = await get(pixel);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe("GIF89a");
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("READ");
    const readAt = row?.readAt;
    expect(readAt).toBeInstanceOf(Date);

    for (let i = 0; i < 3; i++) expect((await get(pixel)).status).toBe(200);
    expect((await getNotification(api.deps.db, n.id))?.readAt).toEqual(readAt);
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "SENT", "READ"]);
  });

  it("a tampered or foreign pixel token is 404 and changes nothing", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const token = signTrackingToken(SECRET, "open", { notificationId: n.id });
    const other = signTrackingToken("some-other-secret-0123456789abcdef0123", "open", {
      notificationId: n.id,
    });
    for (const bad of [`${token.slice(0, -2)}xx`, other, "nonsense", `${token}.x`]) {
      const res = await get(`/t/o/${bad}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).error.code).toBe("not_found");
    }
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("SENT");
  });

  it("a click redirects only to the original link, records it and implies the open", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const original = "https://shop.example.com/orders/42?a=1&b=%C3%A9#items";
    const link = pathOf(trackingLinks("https://herald.example.com", SECRET, n.id).click(original));
    const res = await get(link);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(original);
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("READ");
    expect(row?.clickedAt).toBeInstanceOf(Date);
    expect((await getTimeline(api.deps.db, n.id)).at(-1)?.detail).toMatchObject({
      event: "clicked",
      url: original,
      source: "email",
    });
    // A second click is kept in the timeline, not marked ignored (it is recorded); clicked_at stays the first.
    expect((await get(link)).status).toBe(302);
    expect((await getNotification(api.deps.db, n.id))?.clickedAt).toEqual(row?.clickedAt);
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "SENT", "READ", "READ"]);
    expect((await getTimeline(api.deps.db, n.id)).at(-1)?.detail).toEqual({
      event: "clicked",
      source: "email",
      url: original,
      statusUnchanged: true,
    });
  });

  it("is never an open redirect: a token whose link was swapped is 404 without Location", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const token = signTrackingToken(SECRET, "click", {
      notificationId: n.id,
      url: "https://shop.example.com/",
    });
    const mac = token.split(".")[1];
    const evil = Buffer.from(JSON.stringify({ n: n.id, u: "https://evil.example.net/phish" })).toString(
      "base64url",
    );
    const openAsClick = signTrackingToken(SECRET, "open", { notificationId: n.id });
    for (const bad of [`${evil}.${mac}`, openAsClick, `${token}x`]) {
      const res = await get(`/t/c/${bad}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("location")).toBeNull();
    }
    expect((await getNotification(api.deps.db, n.id))?.clickedAt).toBeNull();
  });

  it("a click on an already-read notification still sets clicked_at", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const links = trackingLinks("https://herald.example.com", SECRET, n.id);
    await get(pathOf(links.open()));
    expect((await getNotification(api.deps.db, n.id))?.clickedAt).toBeNull();
    await get(pathOf(links.click("https://shop.example.com/x")));
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("READ");
    expect(row?.clickedAt).toBeInstanceOf(Date);
  });
});

describe("TRACKING_RATE_LIMIT", () => {
  it("records at most its hits per notification a window; every hit still gets its pixel or redirect", async () => {
    // A window of an hour: the test cannot straddle one in practice.
    const limited = await createTestApi({
      TRACKING_SECRET: SECRET,
      PUBLIC_URL: "https://herald.example.com",
      TRACKING_RATE_LIMIT: "3/1h",
    });
    try {
      const hit = (path: string) => limited.app.request(path, { method: "GET", redirect: "manual" });
      const n = await seedSentNotification(limited.deps.db, "email");
      const links = trackingLinks("https://herald.example.com", SECRET, n.id);
      const original = "https://shop.example.com/orders/42";
      // A replayed link: the open and two clicks are recorded, the rest answered and not recorded.
      expect((await hit(pathOf(links.open()))).status).toBe(200);
      for (let i = 0; i < 6; i++) {
        const res = await hit(pathOf(links.click(original)));
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe(original);
      }
      expect(await timelineOf(limited.deps.db, n.id)).toEqual([
        "PENDING",
        "QUEUED",
        "SENT",
        "READ",
        "READ",
        "READ",
      ]);
      // The budget is the notification's: another one's first click is recorded.
      const other = await seedSentNotification(limited.deps.db, "email");
      await hit(pathOf(trackingLinks("https://herald.example.com", SECRET, other.id).click(original)));
      expect((await getNotification(limited.deps.db, other.id))?.clickedAt).toBeInstanceOf(Date);
    } finally {
      await limited.close();
    }
  });
});

describe("with PostgreSQL unreachable", () => {
  it("a click still redirects and the pixel still answers, whether PostgreSQL refuses or stops answering", async () => {
    const down = await createTestApi(
      { TRACKING_SECRET: SECRET, PUBLIC_URL: "https://herald.example.com" },
      { relay: true },
    );
    try {
      const n = await seedSentNotification(down.deps.db, "email");
      const links = trackingLinks("https://herald.example.com", SECRET, n.id);
      const original = "https://shop.example.com/orders/42";
      const hit = async (path: string) => {
        const started = performance.now();
        const res = await down.app.request(path, { method: "GET", redirect: "manual" });
        return { res, ms: performance.now() - started };
      };
      for (const outage of ["cut", "stall"] as const) {
        await down.relay![outage]();
        const click = await hit(pathOf(links.click(original)));
        expect(click.res.status, outage).toBe(302);
        expect(click.res.headers.get("location")).toBe(original);
        const pixel = await hit(pathOf(links.open()));
        expect(pixel.res.status, outage).toBe(200);
        expect(pixel.res.headers.get("content-type")).toBe("image/gif");
        // Not the pool's connect timeout (5 s) of a PostgreSQL that does not answer.
        expect(Math.max(click.ms, pixel.ms), outage).toBeLessThan(2500);
        await down.relay!.restore();
      }
      // The hits of the outage are lost; once PostgreSQL is back they are recorded again.
      const clicked = await eventually(async () => {
        await hit(pathOf(links.click(original)));
        return (await getNotification(down.deps.db, n.id))?.clickedAt;
      });
      expect(clicked).toBeInstanceOf(Date);
    } finally {
      await down.close();
    }
  });
});
