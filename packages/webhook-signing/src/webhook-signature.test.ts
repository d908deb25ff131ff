import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseWebhookSecret, signWebhook } from "./webhook-signature.ts";

describe("signWebhook", () => {
  it("matches the Standard Webhooks reference library's signing test vector", () => {
    // standard-webhooks/libraries/javascript/src/webhook.test.ts, "sign function works".
    const key = parseWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(signWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("refuses an id with a dot, which would make the signed content ambiguous", () => {
    expect(() => signWebhook(randomBytes(32), "ops.alert", 1, "{}")).toThrow(/contains a "\."/);
  });
});

describe("parseWebhookSecret", () => {
  it("takes whsec_ + base64 of 24 to 64 bytes, padded or not as base64 has it", () => {
    for (const bytes of [24, 32, 33, 64]) {
      const key = randomBytes(bytes);
      expect(parseWebhookSecret(`whsec_${key.toString("base64")}`).equals(key)).toBe(true);
    }
  });

  it("refuses other forms with a reason and how to make one, never echoing the value", () => {
    const cases: [string, RegExp][] = [
      ["correct-horse-battery-staple-0123456789", /must start with "whsec_"/],
      [randomBytes(32).toString("base64"), /must start with "whsec_"/],
      ["whsec_", /standard, padded base64/],
      ["whsec_not base64 at all!!", /standard, padded base64/],
      // base64url and unpadded base64: Node reads them, the receivers' decoders may not.
      [`whsec_${randomBytes(32).toString("base64url")}`, /standard, padded base64/],
      [`whsec_${randomBytes(32).toString("base64").replace(/=+$/, "")}`, /standard, padded base64/],
      [
        `whsec_${randomBytes(16).toString("base64")}`,
        /decodes to 16 bytes; Standard Webhooks wants 24 to 64/,
      ],
      [`whsec_${randomBytes(65).toString("base64")}`, /decodes to 65 bytes/],
    ];
    for (const [value, reason] of cases) {
      let message = "";
      try {
        parseWebhookSecret(value);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, value).toMatch(reason);
      expect(message).toContain("openssl rand -base64 32");
      if (value.length > "whsec_".length) expect(message).not.toContain(value.slice("whsec_".length));
    }
  });
});

describe("signWebhook with several keys (a secret being rotated)", () => {
  it("carries one v1 signature per key, space-separated, each what that key alone signs", () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const both = signWebhook([a, b], "swb_1", 1614265330, "{}")["webhook-signature"]!;
    const one = (k: Buffer) => signWebhook(k, "swb_1", 1614265330, "{}")["webhook-signature"];
    expect(both).toBe(`${one(a)} ${one(b)}`);
  });
});
