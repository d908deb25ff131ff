import { createHash, randomBytes } from "node:crypto";
import { newId } from "@herald/ids";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./client.ts";
import { apiKeys } from "./schema/index.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ApiKeyScope = "events:write" | "users:write" | "read" | "admin";
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["events:write", "users:write", "read", "admin"];

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A fresh secret: `hk_live_` / `hk_test_` and 40 base62-ish characters. */
export function generateApiKey(environment: "live" | "test" = "live"): string {
  return `hk_${environment}_${randomBytes(30).toString("base64url").replace(/[-_]/g, "").slice(0, 40)}`;
}

function describe(key: string) {
  const environment: "live" | "test" = key.startsWith("hk_test_") ? "test" : "live";
  return { prefix: key.slice(0, 12), lastFour: key.slice(-4), environment };
}

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The secret itself; returned once and never stored. */
  key: string;
}

export async function createApiKey(
  db: Db,
  input: { name: string; scopes: ApiKeyScope[]; environment?: "live" | "test"; key?: string },
): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey(input.environment);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: input.name,
      scopes: input.scopes,
      hash: hashApiKey(key),
      ...describe(key),
    })
    .returning();
  return { row: row!, key };
}

/**
 * Makes sure the bootstrap key from `HERALD_API_KEY` exists (admin scope).
 * Idempotent: many processes may call it at start-up.
 */
export async function ensureBootstrapKey(db: Db, key: string): Promise<void> {
  await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: "bootstrap (HERALD_API_KEY)",
      scopes: ["admin"],
      hash: hashApiKey(key),
      ...describe(key),
    })
    .onConflictDoNothing({ target: apiKeys.hash });
}

/** The live (not revoked, not expired) key with this hash. */
export async function findActiveApiKey(db: Db, hash: string): Promise<ApiKeyRow | null> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  return row;
}
