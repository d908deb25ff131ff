import { describe, expect, it } from "vitest";
import { createReplayCipher } from "./api-key-replay-cipher.ts";

const secret = "a-tracking-secret-of-at-least-32-characters";
const row = { callerId: "key_01jd8q3k5m6n7p8q9r0s1t2v3w", idempotencyKey: "deploy-42" };
const answer = JSON.stringify({
  id: "key_01jd8q3k5m6n7p8q9r0s1t2v40",
  key: "hk_live_SECRETsecretSECRETsecret",
});

describe("replay cipher", () => {
  it("opens what it sealed; the sealed text holds no part of the answer and differs each time", () => {
    const cipher = createReplayCipher(secret);
    const sealed = cipher.seal(answer, row);
    expect(cipher.open(sealed, row)).toBe(answer);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("SECRET");
    expect(Buffer.from(sealed.split(".")[3]!, "base64url").toString("latin1")).not.toContain("SECRET");
    expect(cipher.seal(answer, row)).not.toBe(sealed);
  });

  it("does not open with another secret, for another row, or tampered", () => {
    const sealed = createReplayCipher(secret).seal(answer, row);
    const cipher = createReplayCipher(secret);
    expect(createReplayCipher(`${secret}-rotated`).open(sealed, row)).toBeNull();
    expect(cipher.open(sealed, { ...row, idempotencyKey: "deploy-43" })).toBeNull();
    expect(cipher.open(sealed, { ...row, callerId: "adm_01jd8q3k5m6n7p8q9r0s1t2v3w" })).toBeNull();
    const [v, iv, tag, body] = sealed.split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(cipher.open([v, iv, tag, flipped.toString("base64url")].join("."), row)).toBeNull();
    expect(cipher.open("not sealed", row)).toBeNull();
    expect(cipher.open(`v2.${iv}.${tag}.${body}`, row)).toBeNull();
  });
});
