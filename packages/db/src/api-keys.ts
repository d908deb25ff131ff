import { createHash, randomBytes } from "node:crypto";
import { newId } from "@herald/ids";
import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { apiKeys } from "./schema/index.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ApiKeyScope = "events:write" | "users:write" | "read" | "admin";
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["events:write", "users:write", "read", "admin"];

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh secret: `hk_live_` / `hk_test_` and 40 base62 characters (≈238 random bits). */
export function generateApiKey(environment: "live" | "test" = "live"): string {
  let out = "";
  while (out.length < 40) {
    for (const byte of randomBytes(48)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < 40) out += BASE62[byte % 62];
    }
  }
  return `hk_${environment}_${out}`;
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

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  /** `live` (default) or `test`: only the prefix differs (`hk_live_` / `hk_test_`). */
  environment?: "live" | "test";
  /** Use this secret instead of generating one (bootstrap, tests). */
  key?: string;
  expiresAt?: Date | null;
  /** Requests per rate-limit window; null/absent = the API's default. */
  rateLimit?: number | null;
}

export async function createApiKey(db: Db, input: NewApiKey, rotatedFrom?: string): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey(input.environment);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: input.name,
      scopes: input.scopes,
      hash: hashApiKey(key),
      expiresAt: input.expiresAt ?? null,
      rateLimit: input.rateLimit ?? null,
      rotatedFrom: rotatedFrom ?? null,
      ...describe(key),
    })
    .returning();
  return { row: row!, key };
}

export interface ApiKeyFilter {
  /** Also revoked and expired keys. Default false: only the ones that still work. */
  includeRevoked?: boolean;
  /** Keys older than this id (the cursor). */
  beforeId?: string;
}

/**
 * Keys newest first (ids sort by creation time, so the primary key serves the
 * order and the cursor), at most `limit`; without one, every key (the CLI).
 */
export async function listApiKeys(db: Db, filter: ApiKeyFilter = {}, limit?: number): Promise<ApiKeyRow[]> {
  const live = and(
    isNull(apiKeys.revokedAt),
    or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date())),
  );
  const query = db
    .select()
    .from(apiKeys)
    .where(
      and(
        filter.includeRevoked ? undefined : live,
        filter.beforeId ? lt(apiKeys.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.id));
  return limit === undefined ? query : query.limit(limit);
}

export async function getApiKey(db: Db, id: string): Promise<ApiKeyRow | null> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row ?? null;
}

/** Revokes a key at once. Returns the row (revoked before or now), or null if there is no such key. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRow | null> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, id))
    .returning();
  return row ?? null;
}

/** What a rotation did: the new key, or why there is none. */
export type RotateResult =
  | { outcome: "rotated"; created: CreatedApiKey }
  | { outcome: "not_found" }
  /** Rotated before and still in its grace period: a second rotation would leave two live successors. */
  | { outcome: "already_rotated"; successorId: string };

/**
 * Replaces a key with a new secret (same name, scopes, environment and limit).
 * The old key is revoked at once, or keeps working for `graceSeconds` so
 * deployments can switch over.
 */
export async function rotateApiKey(
  db: Db,
  id: string,
  options: { graceSeconds?: number } = {},
): Promise<RotateResult> {
  return db.transaction(async (tx): Promise<RotateResult> => {
    const [old] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .for("update");
    if (!old) return { outcome: "not_found" };
    const [successor] = await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.rotatedFrom, id), isNull(apiKeys.revokedAt)))
      .limit(1);
    if (successor) return { outcome: "already_rotated", successorId: successor.id };
    const grace = options.graceSeconds ?? 0;
    if (grace <= 0) {
      await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    } else {
      const ends = new Date(Date.now() + grace * 1000);
      // Never extends a key's life: an earlier expiry stays.
      if (!old.expiresAt || old.expiresAt > ends)
        await tx.update(apiKeys).set({ expiresAt: ends }).where(eq(apiKeys.id, id));
    }
    const created = await createApiKey(
      tx as unknown as Db,
      {
        name: old.name,
        scopes: old.scopes as ApiKeyScope[],
        environment: old.environment,
        rateLimit: old.rateLimit,
      },
      old.id,
    );
    return { outcome: "rotated", created };
  });
}

/** Records use, at most once a minute per key, so a busy key costs no write per request. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(apiKeys.id, id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(Date.now() - 60_000))),
      ),
    );
}

/** The name of the key `HERALD_API_KEY` makes; a key rotated from it keeps the name. */
export const BOOTSTRAP_KEY_NAME = "bootstrap (HERALD_API_KEY)";

/** What {@link ensureBootstrapKey} found and did. */
export interface BootstrapKeyResult {
  /** The key's row (revoked if an admin revoked it: `HERALD_API_KEY` does not bring it back). */
  row: ApiKeyRow;
  /** Earlier `HERALD_API_KEY` keys it revoked, by what is safe to show of them. */
  revoked: Pick<ApiKeyRow, "id" | "prefix" | "lastFour">[];
}

/**
 * Makes sure the bootstrap key from `HERALD_API_KEY` exists (admin scope), and
 * revokes the bootstrap keys earlier values of `HERALD_API_KEY` made: changing
 * the variable is how an operator replaces a leaked key, which kept working
 * otherwise. Only keys made before this one go, so a process still configured
 * with an older value (a rolling deploy, a restart) revokes nothing newer; keys
 * rotated from a bootstrap key or made with `npm run keys` are left alone.
 * Idempotent: many processes may call it at start-up.
 */
export async function ensureBootstrapKey(db: Db, key: string): Promise<BootstrapKeyResult> {
  const hash = hashApiKey(key);
  await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: BOOTSTRAP_KEY_NAME,
      scopes: ["admin"],
      hash,
      ...describe(key),
    })
    .onConflictDoNothing({ target: apiKeys.hash });
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash));
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.name, BOOTSTRAP_KEY_NAME),
        isNull(apiKeys.rotatedFrom),
        isNull(apiKeys.revokedAt),
        lt(apiKeys.createdAt, row!.createdAt),
      ),
    )
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix, lastFour: apiKeys.lastFour });
  return { row: row!, revoked };
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
