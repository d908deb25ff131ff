import { describe, expect, it } from "vitest";
import { signTrackingToken, trackingLinks, verifyTrackingToken } from "./tracking-token.ts";

const SECRET = "test-secret-0123456789abcdef0123456789";
const ID = "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w";

describe("tracking tokens", () => {
  it("round-trips open and click claims", () => {
    expect(
      verifyTrackingToken(SECRET, "open", signTrackingToken(SECRET, "open", { notificationId: ID })),
    ).toEqual({ notificationId: ID });
    const url = "https://shop.example.com/orders/1?x=1&y=%20z#top";
    const token = signTrackingToken(SECRET, "click", { notificationId: ID, url });
    expect(verifyTrackingToken(SECRET, "click", token)).toEqual({ notificationId: ID, url });
  });

  it("rejects tampering, another secret and the wrong kind", () => {
    const token = signTrackingToken(SECRET, "click", { notificationId: ID, url: "https://a.example/" });
    const [payload, mac] = token.split(".") as [string, string];
    const evil = Buffer.from(JSON.stringify({ n: ID, u: "https://evil.example/" })).toString("base64url");
    expect(verifyTrackingToken(SECRET, "click", `${evil}.${mac}`)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith("A") ? "B" : "A");
    expect(verifyTrackingToken(SECRET, "click", `${payload}.${flipped}`)).toBeNull();
    expect(verifyTrackingToken(SECRET, "click", payload)).toBeNull();
    expect(verifyTrackingToken(SECRET, "click", `${payload}.${mac}.x`)).toBeNull();
    expect(verifyTrackingToken("another-secret-0123456789abcdef012345", "click", token)).toBeNull();
    expect(verifyTrackingToken(SECRET, "open", token)).toBeNull();
    expect(verifyTrackingToken(SECRET, "click", "")).toBeNull();
  });

  it("never carries a non-web link", () => {
    for (const url of [
      "javascript:alert(1)",
      "data:text/html,hi",
      "//evil.example/",
      "/relative",
      "mailto:a@b.c",
      "https://a.example/\r\nSet-Cookie: x=1",
    ]) {
      expect(() => signTrackingToken(SECRET, "click", { notificationId: ID, url })).toThrow();
    }
    expect(() => signTrackingToken(SECRET, "open", { notificationId: "evt_1" })).toThrow();
  });

  it("builds URLs under the public base", () => {
    const links = trackingLinks("https://herald.example.com/", SECRET, ID);
    expect(links.open()).toMatch(/^https:\/\/herald\.example\.com\/t\/o\/[\w-]+\.[\w-]+$/);
    expect(links.click("https://a.example/")).toMatch(
      /^https:\/\/herald\.example\.com\/t\/c\/[\w-]+\.[\w-]+$/,
    );
  });
});
