import { hash } from "node:crypto";
import type { Channel } from "@herald/domain";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import type { RecipientRow } from "./recipients.ts";
import { type SuppressionActor, type SuppressionKind, suppressions } from "./schema/index.ts";

export type SuppressionRow = typeof suppressions.$inferSelect;

/** The address a channel's suppression list is keyed by: e-mail and SMS have one, push and in-app none. */
export function contactAddress(
  channel: Channel,
  recipient: Pick<RecipientRow, "email" | "phone">,
): string | null {
  if (channel === "email") return recipient.email;
  if (channel === "sms") return recipient.phone;
  return null;
}

/**
 * E-mail addresses compare case-insensitively; phone numbers without spaces or dashes.
 * `loadSendContexts` spells the same rule in SQL, and checks its result against this one.
 */
export function normalizeAddress(channel: Channel, address: string): string {
  const a = address.trim();
  if (channel === "email") return a.toLowerCase();
  if (channel === "sms") return a.replace(/[\s().-]/g, "");
  return a;
}

/** What the suppression list stores instead of the address itself. */
export function addressHash(channel: Channel, address: string): string {
  // One-shot: a Hash object per call was ~2% of a router's CPU (every contact of every recipient).
  return hash("sha256", `${channel}:${normalizeAddress(channel, address)}`, "hex");
}

export interface SuppressAddressInput {
  channel: Channel;
  /** The address as the provider reported it (e-mail, E.164 phone, push endpoint). */
  address: string;
  /** A provider's report; an operator's `manual` one goes through `addManualSuppression`. */
  reason: Exclude<SuppressionKind, "manual">;
  provider?: string;
  notificationId?: string;
  /** Provider facts for support (bounce type, diagnostic code…). Never the address. */
  detail?: Record<string, unknown>;
  at?: Date;
}

/**
 * Stops sending to an address on a channel (a hard bounce, a spam complaint).
 * Idempotent: a repeated webhook only refreshes the row. The router then
 * marks that channel's notifications SUPPRESSED `bounced_address` until the
 * recipient's contact changes to another address. The stronger reason is kept:
 * complained, then manual, then bounced; an operator's note and name stay.
 */
export async function suppressAddress(db: Db, input: SuppressAddressInput): Promise<SuppressionRow> {
  const at = input.at ?? new Date();
  const values = {
    channel: input.channel,
    addressHash: addressHash(input.channel, input.address),
    reason: input.reason,
    provider: input.provider ?? null,
    notificationId: input.notificationId ?? null,
    detail: input.detail ?? null,
    createdAt: at,
    updatedAt: at,
  };
  const [row] = await db
    .insert(suppressions)
    .values(values)
    .onConflictDoUpdate({
      target: [suppressions.channel, suppressions.addressHash],
      // A complaint outranks everything (lifting it needs force); an operator's decision outranks a bounce
      // of the same address (a message already in flight when it was taken), so its lift stays deliberate.
      set: {
        reason: sql`case when ${suppressions.reason} = 'complained'
          or (${suppressions.reason} = 'manual' and excluded.reason = 'bounced')
          then ${suppressions.reason} else excluded.reason end`,
        provider: values.provider,
        notificationId: values.notificationId,
        detail: values.detail,
        updatedAt: at,
      },
    })
    .returning();
  return row!;
}

export interface ManualSuppressionInput {
  channel: Channel;
  /** The address as the operator gave it; only its hash is stored. */
  address: string;
  /** Why, in the operator's words ("number reassigned", "legal request #123"). Default none. */
  note?: string | null;
  by: SuppressionActor;
  at?: Date;
}

/**
 * Puts an address on the suppression list by hand (`manual`): a number that
 * now belongs to someone else, a legal request. Idempotent: an address
 * already suppressed, for whatever reason, is answered as it is
 * (`created: false`), so a complaint is never turned into a weaker reason
 * and a bounce keeps its provider's facts.
 */
export async function addManualSuppression(
  db: Db,
  input: ManualSuppressionInput,
): Promise<{ row: SuppressionRow; created: boolean }> {
  const at = input.at ?? new Date();
  const hashed = addressHash(input.channel, input.address);
  const key = and(eq(suppressions.channel, input.channel), eq(suppressions.addressHash, hashed));
  // A lift between the insert and the read leaves neither: the next round inserts.
  for (let round = 0; round < 3; round++) {
    const [created] = await db
      .insert(suppressions)
      .values({
        channel: input.channel,
        addressHash: hashed,
        reason: "manual",
        note: input.note ?? null,
        suppressedBy: input.by,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .returning();
    if (created) return { row: created, created: true };
    const [existing] = await db.select().from(suppressions).where(key);
    if (existing) return { row: existing, created: false };
  }
  throw new Error("addManualSuppression: the address was suppressed and lifted again three times meanwhile");
}

export interface UnsuppressOptions {
  /**
   * Also lift a spam complaint (`complained`). Default false: a complaint is
   * kept and answered as `complaint`, so lifting one is always a decision of
   * its own, not a side effect of lifting bounces.
   */
  complaints?: boolean;
}

/**
 * What `unsuppressAddress` did: `lifted` the row (as it was), kept it because
 * it is a `complaint` and complaints were not included, or found `none`.
 */
export type UnsuppressOutcome =
  | { kind: "lifted"; row: SuppressionRow }
  | { kind: "complaint"; row: SuppressionRow }
  | { kind: "none" };

/**
 * Lifts a suppression (an operator's decision: the mailbox works again, the
 * number replied START). The row is locked while it is judged, so a
 * complaint arriving meanwhile (`suppressAddress` upgrading a bounce) is
 * either kept whole or lifted knowingly, never deleted unseen.
 */
export async function unsuppressAddress(
  db: Db,
  channel: Channel,
  address: string,
  options: UnsuppressOptions = {},
): Promise<UnsuppressOutcome> {
  const key = and(
    eq(suppressions.channel, channel),
    eq(suppressions.addressHash, addressHash(channel, address)),
  );
  return db.transaction(async (tx): Promise<UnsuppressOutcome> => {
    const [row] = await tx.select().from(suppressions).where(key).for("update");
    if (!row) return { kind: "none" };
    if (row.reason === "complained" && !options.complaints) return { kind: "complaint", row };
    await tx.delete(suppressions).where(key);
    return { kind: "lifted", row };
  });
}

/** Which of these (channel, address) pairs are suppressed. */
export async function findSuppressed(
  db: Db,
  targets: { channel: Channel; address: string }[],
): Promise<Map<Channel, SuppressionRow>> {
  const out = new Map<Channel, SuppressionRow>();
  if (targets.length === 0) return out;
  const byHash = new Map(targets.map((t) => [addressHash(t.channel, t.address), t.channel]));
  const rows = await db
    .select()
    .from(suppressions)
    .where(
      and(
        inArray(suppressions.channel, [...new Set(byHash.values())]),
        inArray(suppressions.addressHash, [...byHash.keys()]),
      ),
    );
  for (const r of rows) if (byHash.get(r.addressHash) === r.channel) out.set(r.channel, r);
  return out;
}

/** Which of many (channel, address) pairs are suppressed, as `channel:addressHash` keys (one query for a fan-out page). */
export async function findSuppressedKeys(
  db: Db,
  targets: { channel: Channel; address: string }[],
): Promise<Set<string>> {
  if (targets.length === 0) return new Set();
  const hashes = [...new Set(targets.map((t) => addressHash(t.channel, t.address)))];
  const rows = await pg(db)<{ channel: string; address_hash: string }[]>`
    select channel, address_hash from suppressions where address_hash = any(${hashes}::text[])`;
  return new Set(rows.map((r) => `${r.channel}:${r.address_hash}`));
}

/** The suppression of one address on one channel, if any. */
export async function findSuppression(
  db: Db,
  channel: Channel,
  address: string,
): Promise<SuppressionRow | null> {
  return (await findSuppressed(db, [{ channel, address }])).get(channel) ?? null;
}
