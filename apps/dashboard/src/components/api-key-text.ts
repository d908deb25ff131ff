import type { components } from "../api/openapi-types.ts";
import { ago } from "../format.ts";

export type ApiKeyView = components["schemas"]["ApiKey"];

/** Where a key stands, as its row says it: revoked, expired, expiring (a rotation's grace period) or active. */
export function keyState(k: ApiKeyView, now = Date.now()): { label: string; tone: "ok" | "warn" | "muted" } {
  if (k.revokedAt) return { label: `revoked ${ago(k.revokedAt, now)}`, tone: "muted" };
  if (k.expiresAt && Date.parse(k.expiresAt) <= now)
    return { label: `expired ${ago(k.expiresAt, now)}`, tone: "muted" };
  if (k.expiresAt) return { label: `active, expires ${ago(k.expiresAt, now)}`, tone: "warn" };
  return { label: "active", tone: "ok" };
}
