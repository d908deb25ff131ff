import { describe, expect, it } from "vitest";
import {
  listUnsubscribeHeaders,
  signUnsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from "./unsubscribe-token.ts";

const secret = "s3cret-for-tests-only";
const scope = { recipientId: "usr_01jd8q3k5m6n7p8q9r0s1t2v3w", categories: ["marketing"] };

describe("unsubscribe tokens", () => {
  it("round-trips the scope", () => {
    const token = signUnsubscribeToken(secret, scope);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(secret, token)).toEqual(scope);
  });

  it("rejects a token signed with another secret, a changed payload or garbage", () => {
    const token = signUnsubscribeToken(secret, scope);
    expect(verifyUnsubscribeToken("other-secret", token)).toBeNull();
    const [, sig] = token.split(".");
    const forged = `${Buffer.from(JSON.stringify({ r: "usr_someone_else", c: ["marketing"] })).toString("base64url")}.${sig}`;
    expect(verifyUnsubscribeToken(secret, forged)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `${token}x`)).toBeNull();
    expect(verifyUnsubscribeToken(secret, token.slice(0, -4))).toBeNull();
    for (const junk of ["", ".", "a.b", "a.b.c", "%%%.%%%"])
      expect(verifyUnsubscribeToken(secret, junk)).toBeNull();
  });

  it("builds the RFC 8058 headers around the link", () => {
    const url = unsubscribeUrl("https://herald.example/", "tok");
    expect(url).toBe("https://herald.example/unsubscribe/tok");
    expect(listUnsubscribeHeaders(url)).toEqual({
      "List-Unsubscribe": "<https://herald.example/unsubscribe/tok>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });
});
