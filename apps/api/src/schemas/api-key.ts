import { API_KEY_SCOPES, type ApiKeyRow, type ApiKeyScope } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { isoDate, Timestamp } from "./common.ts";

const scopes = API_KEY_SCOPES as [ApiKeyScope, ...ApiKeyScope[]];

const example = {
  id: "key_01jd8q3k5m6n7p8q9r0s1t2v3w",
  name: "order-service (production)",
  display: "hk_live_Ab3D…x9Qz",
  prefix: "hk_live_Ab3D",
  lastFour: "x9Qz",
  environment: "live" as const,
  scopes: ["events:write", "users:write"] as ApiKeyScope[],
  rateLimit: null,
  createdAt: "2026-11-24T09:00:00.000Z",
  lastUsedAt: "2026-11-24T09:05:12.000Z",
  expiresAt: null,
  revokedAt: null,
  rotatedFrom: null,
};

/** A key as listed: never the secret, only its prefix and last four characters. */
export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    display: z.string().openapi({ description: "Prefix and last four characters, for recognising a key" }),
    prefix: z.string(),
    lastFour: z.string(),
    environment: z.enum(["live", "test"]),
    scopes: z.array(z.enum(scopes)),
    rateLimit: z.number().int().nullable().openapi({ description: "Requests per window; null = default" }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
    rotatedFrom: z.string().nullable(),
  })
  .openapi("ApiKey", { example });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The secret. Shown once: Herald stores only its SHA-256." }),
}).openapi("CreatedApiKey", {
  example: { ...example, key: "hk_live_Ab3DkQ7rT2mVw9sLp4YhN8cJ6fXe1uGz0bRx9Qz7", lastUsedAt: null },
});

export const ApiKeyListSchema = z
  .object({ data: z.array(ApiKeySchema), nextCursor: z.string().nullable() })
  .openapi("ApiKeyList", { example: { data: [example], nextCursor: null } });

export const NewApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(z.enum(scopes))
      .min(1)
      .max(scopes.length)
      .refine((s) => new Set(s).size === s.length, "scopes must not repeat"),
    environment: z.enum(["live", "test"]).default("live"),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((d) => Date.parse(d) > Date.now(), "must be in the future")
      .optional(),
    rateLimit: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict()
  .openapi("NewApiKey", {
    example: {
      name: "order-service (production)",
      scopes: ["events:write", "users:write"],
      environment: "live",
    },
  });

export const RotateApiKeySchema = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(0)
      .openapi({ description: "How long the old key keeps working; 0 revokes it at once" }),
  })
  .strict()
  .openapi("RotateApiKey", { example: { graceSeconds: 3600 } });

export function serializeApiKey(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    display: `${k.prefix}…${k.lastFour}`,
    prefix: k.prefix,
    lastFour: k.lastFour,
    environment: k.environment,
    scopes: k.scopes as ApiKeyScope[],
    rateLimit: k.rateLimit,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: isoDate(k.lastUsedAt) ?? null,
    expiresAt: isoDate(k.expiresAt) ?? null,
    revokedAt: isoDate(k.revokedAt) ?? null,
    rotatedFrom: k.rotatedFrom,
  };
}
