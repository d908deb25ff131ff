import { describe, expect, it } from "vitest";
import { type ApiKeyView, keyState } from "./api-key-text.ts";

const now = Date.parse("2026-11-24T12:00:00Z");
const key = (k: Partial<ApiKeyView>): ApiKeyView => ({
  id: "key_01jd8q3k5m6n7p8q9r0s1t2v3w",
  name: "order-service",
  display: "hk_live_Ab3D…x9Qz",
  prefix: "hk_live_Ab3D",
  lastFour: "x9Qz",
  environment: "live",
  scopes: ["read"],
  rateLimit: null,
  createdAt: "2026-11-01T00:00:00Z",
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
  rotatedFrom: null,
  ...k,
});

describe("keyState", () => {
  it("says revoked before expired, expired once past, expiring while in a grace period, else active", () => {
    expect(keyState(key({}), now)).toEqual({ label: "active", tone: "ok" });
    expect(keyState(key({ expiresAt: "2026-11-24T13:00:00Z" }), now)).toEqual({
      label: "active, expires in 1 hour",
      tone: "warn",
    });
    expect(keyState(key({ expiresAt: "2026-11-22T12:00:00Z" }), now)).toEqual({
      label: "expired 2 days ago",
      tone: "muted",
    });
    expect(
      keyState(key({ expiresAt: "2026-11-22T12:00:00Z", revokedAt: "2026-11-23T12:00:00Z" }), now).label,
    ).toBe("revoked yesterday");
  });
});
