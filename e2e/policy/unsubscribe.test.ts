import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald();
});
afterAll(() => herald.close());

const promo = { headline: "20% off", body: "This week only.", ctaUrl: "https://shop.example.com/sale" };

async function sentEmail(eventId: string) {
  return eventually(async () => {
    const res = await herald.call("GET", `/v1/events/${eventId}`);
    const email = res.body.notifications?.find((n: { channel: string }) => n.channel === "email");
    return res.body.status === "routed" && (!email || email.status === "SENT")
      ? { event: res.body, email }
      : null;
  });
}

async function linkFor(userId: string, locale?: string) {
  const res = await herald.call("POST", "/v1/events", {
    type: "weekly_promo",
    userId,
    data: promo,
    user: { email: `${userId}@example.com`, ...(locale ? { locale } : {}) },
  });
  const { email } = await sentEmail(res.body.eventId);
  const headers = email.content.headers as Record<string, string>;
  expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  const url = /^<(.+)>$/.exec(headers["List-Unsubscribe"]!)![1]!;
  expect(url.startsWith(`${herald.url}/unsubscribe/`)).toBe(true);
  return url;
}

describe("one-click unsubscribe (RFC 8058)", () => {
  it("GET shows a confirmation page and changes nothing; the one-click POST turns that category's e-mail off", async () => {
    const url = await linkFor("uma");
    const page = await fetch(url, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain("marketing");
    expect((await herald.call("GET", "/v1/users/uma/preferences")).body.categories).toEqual({});

    // What a mail client sends for a one-click unsubscribe.
    const post = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
      redirect: "manual",
    });
    expect(post.status).toBe(200);
    expect((await herald.call("GET", "/v1/users/uma/preferences")).body.categories).toEqual({
      marketing: { channels: { email: false } },
    });

    // The next promo gets no e-mail; transactional mail still comes.
    const next = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId: "uma",
      data: promo,
    });
    const { event } = await sentEmail(next.body.eventId);
    expect(event.notifications).toEqual([]);
    expect(event.suppressed).toEqual(expect.arrayContaining([{ channel: "email", reason: "opted_out" }]));
    const order = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "uma",
      channels: ["email"],
      data: { orderId: "A-1", total: 1, currency: "EUR", items: [{ name: "x", quantity: 1, price: 1 }] },
    });
    expect((await sentEmail(order.body.eventId)).email.status).toBe("SENT");
  });

  it("wins over an 'e-mail on' override the app's preference centre saved for the type", async () => {
    const url = await linkFor("ulla");
    const put = await herald.call("PUT", "/v1/users/ulla/preferences", {
      types: { weekly_promo: { channels: { email: true } } },
    });
    expect(put.status).toBe(200);
    const post = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(post.status).toBe(200);
    const next = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId: "ulla",
      data: promo,
    });
    const { event } = await sentEmail(next.body.eventId);
    expect(event.notifications).toEqual([]);
    expect(event.suppressed).toEqual(expect.arrayContaining([{ channel: "email", reason: "opted_out" }]));
  });

  it("the page's 'all e-mails' button turns e-mail off for everything but security", async () => {
    const url = await linkFor("ugo");
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: "scope=all",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are unsubscribed");
    expect((await herald.call("GET", "/v1/users/ugo/preferences")).body.channels).toEqual({ email: false });
    const reset = await herald.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "ugo",
      data: { resetUrl: "https://app.example.com/reset/abc", expiresInMinutes: 30 },
    });
    expect((await sentEmail(reset.body.eventId)).email.status).toBe("SENT");
  });

  it("a promo scheduled before the click is not sent after it: suppressed when its time comes", async () => {
    const url = await linkFor("ula");
    const later = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId: "ula",
      data: promo,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const held = await eventually(async () => {
      const res = await herald.call("GET", `/v1/events/${later.body.eventId}`);
      const email = res.body.notifications?.find((n: { channel: string }) => n.channel === "email");
      return email?.status === "SCHEDULED" ? email : null;
    });
    const post = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(post.status).toBe(200);
    // Its time comes (BullMQ's delay is wall-clock time: the test brings it forward).
    await (await herald.worker!.deps.queues.find("email", held.id))!.promote();
    const done = await eventually(async () => {
      const res = await herald.call("GET", `/v1/notifications/${held.id}`);
      return res.body.status === "SUPPRESSED" ? res.body : null;
    });
    expect(done.reason).toBe("opted_out");
    expect(done.timeline.at(-1)).toMatchObject({ status: "SUPPRESSED", detail: { reason: "opted_out" } });
    const outbox = await herald.db.sql`select 1 from outbox_messages where notification_id = ${held.id}`;
    expect(outbox).toHaveLength(0);
  });

  it("refuses forged, altered or truncated tokens and never redirects", async () => {
    const url = await linkFor("uwe");
    const [base, token] = [url.slice(0, url.lastIndexOf("/") + 1), url.slice(url.lastIndexOf("/") + 1)];
    const [payload, sig] = token.split(".") as [string, string];
    const otherUser = Buffer.from(
      JSON.stringify({ r: "usr_01jd8q3k5m6n7p8q9r0s1t2v3w", c: ["marketing"] }),
    ).toString("base64url");
    const oneClick = (target: string) =>
      fetch(target, {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    for (const bad of [`${otherUser}.${sig}`, `${payload}.${sig.slice(0, -2)}`, payload, "x"]) {
      const res = await oneClick(`${base}${bad}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("malformed_request");
    }
    expect((await herald.call("GET", "/v1/users/uwe/preferences")).body.categories).toEqual({});
    // There is no redirect target to abuse: extra parameters are ignored and nothing redirects.
    const res = await oneClick(`${url}?next=https://evil.example`);
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    const page = await fetch(`${base}garbage`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("not valid");
    expect((await herald.call("GET", "/v1/users/uwe/preferences")).body.categories).toEqual({
      marketing: { channels: { email: false } },
    });
  });

  it("speaks the recipient's language, as the e-mail did; a bad link the browser's", async () => {
    const url = await linkFor("udo", "de-AT");
    const page = await fetch(url, { headers: { accept: "text/html" } });
    const html = await page.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("<h1>E-Mails von Herald abbestellen?</h1>");
    expect(html).toContain("E-Mails der Kategorie <strong>Marketing</strong> abbestellen</button>");
    const done = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: "scope=all",
    });
    expect(await done.text()).toContain(
      "Herald sendet Ihnen keine E-Mails mehr, außer Sicherheitsnachrichten",
    );
    expect((await herald.call("GET", "/v1/users/udo/preferences")).body.channels).toEqual({ email: false });

    const bad = (language?: string) =>
      fetch(`${herald.url}/unsubscribe/garbage`, {
        headers: { accept: "text/html", ...(language ? { "accept-language": language } : {}) },
      }).then((r) => r.text());
    expect(await bad("de-CH,de;q=0.9,en;q=0.5")).toContain("<h1>Dieser Abmeldelink ist ungültig</h1>");
    expect(await bad("fr-CA,fr;q=0.9")).toContain("<h1>Ce lien de désabonnement n’est pas valide</h1>");
    expect(await bad("it-IT,it;q=0.9")).toContain('<html lang="en">');
    expect(await bad()).toContain("<h1>This unsubscribe link is not valid</h1>");
  });

  it("a JSON body (mail clients send forms) is no 500; a chunked body over 4 KB is 413", async () => {
    const url = await linkFor("vera");
    const json = (body: string | ReadableStream<Uint8Array>, more: RequestInit = {}) =>
      fetch(url, { method: "POST", body, headers: { "content-type": "application/json" }, ...more });
    // The JSON depth check reads such a body before the route's own 4 KB limit: that limit used to
    // find the body's stream locked, and answered 500.
    const small = await json('{"List-Unsubscribe":"One-Click"}');
    expect(small.status).toBe(200);
    const chunked = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
    const big = await json(chunked(JSON.stringify({ pad: "x".repeat(5000) })), {
      duplex: "half",
    } as RequestInit);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});
