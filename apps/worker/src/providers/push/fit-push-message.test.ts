import { isDeliveryError } from "@herald/errors";
import { describe, expect, it } from "vitest";
import { apnsPayload } from "./apns-provider.ts";
import { fcmMessage } from "./fcm-provider.ts";
import { fitPushMessage } from "./fit-push-message.ts";
import type { PushMessage } from "./push-message.ts";
import { webPushPayload } from "./web-push-provider.ts";

const message = (more: Partial<PushMessage> = {}): PushMessage => ({
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
  type: "payment_failed",
  title: "Payment failed",
  body: "Your card was declined.",
  priority: "high",
  clickUrl: "https://herald.example.com/v1/push/clicks?token=abc",
  ...more,
});
const encode = (m: PushMessage) => JSON.stringify(m);
const bytes = (text: string) => Buffer.byteLength(text);
const longUrl = `https://pay.example.com/retry?sig=${"a".repeat(4096)}`;

describe("fitPushMessage", () => {
  it("leaves a message that fits as it is", () => {
    const m = message({ data: { a: 1 } });
    expect(fitPushMessage(m, encode, 4000, "test")).toBe(m);
  });

  it("drops the data first, then cuts the body on a character with an ellipsis", () => {
    const m = message({ body: "ü".repeat(3000), data: { big: "x".repeat(500) } });
    const fitted = fitPushMessage(m, encode, 2000, "test");
    expect(fitted.data).toBeUndefined();
    expect(bytes(encode(fitted))).toBeLessThanOrEqual(2000);
    expect(fitted.body).toMatch(/^ü+…$/);
    expect(fitted.title).toBe("Payment failed");
  });

  it("cuts the text to its start before it drops the link, and the rest of the text only then", () => {
    const m = message({ body: "b".repeat(3000), title: "T".repeat(900), url: "https://x.example/o/1" });
    const fitted = fitPushMessage(m, encode, 1000, "test");
    expect(bytes(encode(fitted))).toBeLessThanOrEqual(1000);
    expect(fitted.url).toBe(m.url);
    expect(fitted.body).toBe(`${"b".repeat(100)}…`);
    expect(fitted.title).toMatch(/^T{41,}…$/);

    const huge = fitPushMessage(
      { ...m, url: longUrl, icon: "https://x.example/i.png" },
      encode,
      1000,
      "test",
    );
    expect(bytes(encode(huge))).toBeLessThanOrEqual(1000);
    expect(huge.url).toBeUndefined();
    expect(huge.icon).toBeUndefined();
    // Cut again from the whole text once the link is gone: more of it than with the link.
    expect(huge.body).toBe(`${"b".repeat(100)}…`);
    expect(huge.title).toMatch(/^T{41,}…$/);

    // Nothing left to cut but the text itself: it goes, and the loop still ends.
    const bare = fitPushMessage(message({ body: "…", title: "T".repeat(900) }), encode, 420, "test");
    expect(bytes(encode(bare))).toBeLessThanOrEqual(420);
    expect(bare.body).toBe("");
  });

  it("fails permanently when the fixed fields alone do not fit", () => {
    let thrown: unknown;
    try {
      fitPushMessage(
        message({ clickUrl: `https://h.example/c?token=${"t".repeat(500)}` }),
        encode,
        300,
        "test",
      );
    } catch (err) {
      thrown = err;
    }
    expect(
      isDeliveryError(thrown) && thrown.kind === "permanent" && thrown.code === "payload_too_large",
    ).toBe(true);
  });
});

// A 4 KB signed link in a retryUrl (the push's url) used to make web push's trimming loop spin for ever.
describe("each push service's payload stays within its limit", () => {
  const big = message({ url: longUrl, body: "b".repeat(5000), title: "t".repeat(2000), data: { x: "y" } });

  it("web push (3,800 bytes before encryption)", () => {
    expect(bytes(webPushPayload(big))).toBeLessThanOrEqual(3800);
  });

  it("APNs (4,096 bytes)", () => {
    expect(bytes(apnsPayload(big))).toBeLessThanOrEqual(4096);
  });

  it("FCM (4,000 bytes of notification and data)", () => {
    const m = fcmMessage("token", big);
    expect(bytes(JSON.stringify({ notification: m.notification, data: m.data }))).toBeLessThanOrEqual(4000);
  });
});
