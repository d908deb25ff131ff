import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HeraldWebhookError } from "./errors.ts";
import { verifyWebhook } from "./verify-webhook.ts";

const key = randomBytes(32);
const secret = `whsec_${key.toString("base64")}`;
const body = JSON.stringify({
  type: "herald.notification_statuses",
  data: [{ sequence: 1, notificationId: "ntf_1", status: "SENT", at: "2026-11-24T09:00:00.000Z" }],
});

/** Signed by the Standard Webhooks recipe with node:crypto: independent of the code under test. */
function sign(id: string, timestampS: number, raw: string, k: Buffer = key) {
  const mac = createHmac("sha256", k).update(`${id}.${timestampS}.${raw}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestampS), "webhook-signature": `v1,${mac}` };
}

const nowS = () => Math.floor(Date.now() / 1000);

async function refusal(p: Promise<unknown>): Promise<HeraldWebhookError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeraldWebhookError);
  return err as HeraldWebhookError;
}

describe("verifyWebhook", () => {
  it("returns the parsed body of a genuine request: string or bytes, a Headers or Node's headers", async () => {
    const headers = sign("swb_1", nowS(), body);
    expect(await verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    expect(await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret)).toEqual(
      JSON.parse(body),
    );
    // A secret given without its prefix, as Standard Webhooks libraries accept it.
    expect(await verifyWebhook(body, headers, key.toString("base64"))).toEqual(JSON.parse(body));
    // Header names in any case, a value repeated (Node gives an array only for some; be lenient).
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(await verifyWebhook(body, upper, secret)).toEqual(JSON.parse(body));
  });

  it("accepts any one matching signature among several (a secret being rotated), skipping other versions", async () => {
    const headers = sign("swb_2", nowS(), body);
    const other = sign("swb_2", nowS(), body, randomBytes(32))["webhook-signature"];
    headers["webhook-signature"] = `v2,abc ${other} v1,!!notbase64 ${headers["webhook-signature"]}`;
    expect(await verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
  });

  it("refuses a changed body, another secret, a changed id or timestamp", async () => {
    const t = nowS();
    const headers = sign("swb_3", t, body);
    expect((await refusal(verifyWebhook(body.replace("SENT", "READ"), headers, secret))).reason).toBe(
      "bad_signature",
    );
    const wrong = `whsec_${randomBytes(32).toString("base64")}`;
    const err = await refusal(verifyWebhook(body, headers, wrong));
    expect(err.reason).toBe("bad_signature");
    expect(err.message).toMatch(/body was changed, or the secret/);
    expect((await refusal(verifyWebhook(body, { ...headers, "webhook-id": "swb_4" }, secret))).reason).toBe(
      "bad_signature",
    );
    expect(
      (await refusal(verifyWebhook(body, { ...headers, "webhook-timestamp": String(t - 1) }, secret))).reason,
    ).toBe("bad_signature");
  });

  it("refuses a timestamp outside the tolerance, either way, even when correctly signed", async () => {
    const old = sign("swb_5", nowS() - 301, body);
    const err = await refusal(verifyWebhook(body, old, secret));
    expect(err.reason).toBe("bad_timestamp");
    expect(err.message).toMatch(/30\d s from now \(tolerance 300 s\)/);
    expect((await refusal(verifyWebhook(body, sign("swb_6", nowS() + 400, body), secret))).reason).toBe(
      "bad_timestamp",
    );
    // A wider tolerance, or a clock given, takes it.
    expect(await verifyWebhook(body, old, secret, { toleranceSeconds: 600 })).toEqual(JSON.parse(body));
    expect(await verifyWebhook(body, old, secret, { now: () => (nowS() - 301) * 1000 })).toEqual(
      JSON.parse(body),
    );
    expect((await refusal(verifyWebhook(body, { ...old, "webhook-timestamp": "1e9" }, secret))).reason).toBe(
      "bad_timestamp",
    );
  });

  it("refuses a request without the headers, a secret that is not base64, a signed body that is not JSON", async () => {
    const headers = sign("swb_7", nowS(), body);
    const { "webhook-signature": _, ...unsigned } = headers;
    expect((await refusal(verifyWebhook(body, unsigned, secret))).reason).toBe("missing_headers");
    expect((await refusal(verifyWebhook(body, headers, "whsec_not base64!"))).reason).toBe("bad_secret");
    const text = "not json";
    expect((await refusal(verifyWebhook(text, sign("swb_8", nowS(), text), secret))).reason).toBe(
      "bad_payload",
    );
  });
});
