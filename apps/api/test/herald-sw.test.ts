import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

/**
 * Runs public/herald-sw.js in a sandbox standing in for a service-worker
 * global scope, and fires the events a browser would. (Real push delivery to
 * Chromium needs Google's push service, which tests cannot reach.)
 */
function loadServiceWorker() {
  const listeners = new Map<string, (event: any) => void>();
  const shown: { title: string; options: any }[] = [];
  const fetched: { url: string; init: any }[] = [];
  const opened: string[] = [];
  const self = {
    location: { origin: "https://shop.example.com" },
    addEventListener: (type: string, fn: (event: any) => void) => listeners.set(type, fn),
    skipWaiting: () => undefined,
    registration: {
      showNotification: async (title: string, options: any) => {
        shown.push({ title, options });
      },
    },
    clients: {
      claim: async () => undefined,
      matchAll: async () => [],
      openWindow: async (url: string) => {
        opened.push(url);
      },
    },
  };
  const fetch = async (url: string, init: any) => {
    fetched.push({ url, init });
    return { ok: true };
  };
  runInNewContext(readFileSync(new URL("../public/herald-sw.js", import.meta.url), "utf8"), {
    self,
    fetch,
    URL,
    Promise,
    JSON,
  });
  const fire = async (type: string, event: any) => {
    const pending: Promise<unknown>[] = [];
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => pending.push(p) });
    await Promise.all(pending);
  };
  return { fire, shown, fetched, opened };
}

const payload = {
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
  type: "order_placed",
  title: "Order confirmed",
  body: "Order A-1042: 3 items",
  url: "https://shop.example.com/orders/A-1042",
  clickUrl: "https://herald.example.com/v1/push/clicks",
};

describe("herald-sw.js", () => {
  it("shows the push with its title and body", async () => {
    const sw = loadServiceWorker();
    await sw.fire("push", { data: { json: () => payload, text: () => JSON.stringify(payload) } });
    expect(sw.shown).toHaveLength(1);
    expect(sw.shown[0]!.title).toBe("Order confirmed");
    expect(sw.shown[0]!.options).toMatchObject({
      body: "Order A-1042: 3 items",
      tag: payload.notificationId,
      data: { url: payload.url, notificationId: payload.notificationId, clickUrl: payload.clickUrl },
    });
  });

  it("on click, reports the click to Herald and opens the notification's URL", async () => {
    const sw = loadServiceWorker();
    await sw.fire("push", { data: { json: () => payload } });
    let closed = false;
    const notification = { data: sw.shown[0]!.options.data, close: () => (closed = true) };
    await sw.fire("notificationclick", { notification, action: "" });
    expect(closed).toBe(true);
    expect(sw.fetched).toHaveLength(1);
    expect(sw.fetched[0]!.url).toBe(payload.clickUrl);
    expect(sw.fetched[0]!.init.method).toBe("POST");
    expect(JSON.parse(sw.fetched[0]!.init.body)).toEqual({ notificationId: payload.notificationId });
    expect(sw.opened).toEqual([payload.url]);
  });

  it("copes with a push without a JSON payload", async () => {
    const sw = loadServiceWorker();
    await sw.fire("push", {
      data: {
        json: () => {
          throw new SyntaxError("not json");
        },
        text: () => "plain text",
      },
    });
    expect(sw.shown[0]!.title).toBe("plain text");
  });
});
