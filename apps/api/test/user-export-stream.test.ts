import type { AddressInfo } from "node:net";
import {
  type ExportNotification,
  type ExportPageLoader,
  getRecipient,
  loadNotificationPage,
  userNotificationPages,
} from "@herald/db";
import { NO_OPT_IN } from "@herald/domain";
import { createLogger } from "@herald/logger";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUT_SHORT } from "../src/services/json-document-stream.ts";
import { userExportStream } from "../src/services/user-export.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * A user export's body (`services/user-export.ts`) read in small pages: every
 * row once and in order, a document that parses; and a page failing after the
 * first byte: a stream that errors where it stopped, an HTTP answer cut
 * before its end, a log line.
 */
let api: TestApi;
/** Pat's rows, oldest first, as the export must list them. */
const pat = { recipientId: "", notificationIds: [] as string[], eventIds: [] as string[] };

beforeAll(async () => {
  api = await createTestApi();
  for (const channel of ["email", "sms", "push", "in_app", "email", "sms", "push"] as const) {
    const { recipientId, notification } = await seedNotification(api.deps.db, "pat", { channel });
    pat.recipientId = recipientId;
    pat.notificationIds.push(notification.id);
    pat.eventIds.push(notification.eventId);
  }
  // Another user's rows between pat's: not in pat's pages.
  await seedNotification(api.deps.db, "quinn", { channel: "email" });
});
afterAll(() => api?.close());

describe("paging", () => {
  const subject = () => ({ userId: "pat", recipientId: pat.recipientId });

  it("reads the notifications a few per query, after the last id, each once and in order", async () => {
    const calls: (string | null)[] = [];
    const counting: ExportPageLoader<ExportNotification> = (db, s, after, limit) => {
      calls.push(after);
      return loadNotificationPage(db, s, after, limit);
    };
    const pages: string[][] = [];
    for await (const page of userNotificationPages(api.deps.db, subject(), { pageSize: 3, load: counting })) {
      pages.push(page.map((n) => n.id));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(pat.notificationIds);
    expect(calls).toEqual([null, pat.notificationIds[2], pat.notificationIds[5]]);
  });

  it("streams a document of many pages that parses, with every notification once", async () => {
    const stream = await userExportStream(
      api.deps,
      { recipient: await recipient(), sees: true, requestId: "req_test", optIn: NO_OPT_IN },
      { pageSize: 2 },
    );
    const doc = JSON.parse(await new Response(stream).text());
    expect(doc.notifications.map((n: any) => n.id)).toEqual(pat.notificationIds);
    expect(doc.events.map((e: any) => e.id)).toEqual(pat.eventIds);
  });
});

async function recipient() {
  return (await getRecipient(api.deps.db, "pat"))!;
}

/** Loads the first page, then fails: the database went away mid-export. */
const failingAfterFirst = (): ExportPageLoader<ExportNotification> => {
  let calls = 0;
  return async (db, s, after, limit) => {
    if (++calls > 1) throw new Error("connection terminated unexpectedly");
    return loadNotificationPage(db, s, after, limit);
  };
};

describe("a failure after the first byte", () => {
  it("errors the stream after what was written, so the text does not parse, and logs it", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "info",
      destination: { write: (l: string) => lines.push(JSON.parse(l)) },
    });
    const stream = await userExportStream(
      { db: api.deps.db, logger },
      { recipient: await recipient(), sees: true, requestId: "req_cut", optIn: NO_OPT_IN },
      { pageSize: 2, loadNotifications: failingAfterFirst() },
    );
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let failure: unknown = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch (err) {
      failure = err;
    }
    expect((failure as Error | null)?.message).toBe(CUT_SHORT);
    // The first page came out, and the document never closed.
    expect(text).toContain(pat.notificationIds[1]);
    expect(text).not.toContain(pat.notificationIds[2]);
    expect(() => JSON.parse(text)).toThrow();
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        requestId: "req_cut",
        recipientId: pat.recipientId,
        err: "connection terminated unexpectedly",
        msg: expect.stringContaining("cut short"),
      }),
    ]);
  });

  it("cuts the HTTP response before its end, so a client sees a broken download", async () => {
    const app = new Hono();
    const quiet = createLogger({ level: "silent" });
    app.get("/", async (c) =>
      c.body(
        await userExportStream(
          { db: api.deps.db, logger: quiet },
          { recipient: await recipient(), sees: true, requestId: "req_wire", optIn: NO_OPT_IN },
          { pageSize: 2, loadNotifications: failingAfterFirst() },
        ),
        200,
        { "content-type": "application/json" },
      ),
    );
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      // The chunked body ends without its last chunk: reading it fails, as curl's "transfer closed" does.
      await expect(res.text()).rejects.toThrow();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
