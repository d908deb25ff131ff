import { newId } from "@herald/ids";
import { and, asc, eq, getTableColumns, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { rowReader } from "./raw.ts";
import { recipients } from "./schema/index.ts";

export type RecipientRow = typeof recipients.$inferSelect;

/** Maps a recipients row read through `pg` (or its `to_jsonb`) to the drizzle row type. */
export const readRecipient = rowReader<RecipientRow>(recipients);

export interface RecipientFields {
  email?: string | null;
  phone?: string | null;
  locale?: string | null;
  timezone?: string | null;
  properties?: Record<string, unknown>;
}

/**
 * Creates or updates a recipient; fields left out keep their value. An erased user id starts afresh.
 * `digestsMarked`: this write changed the time zone and marked the digest windows to move (the
 * caller asks the worker); the same time zone sent again marks nothing.
 */
export async function upsertRecipient(
  db: Db,
  externalId: string,
  fields: RecipientFields,
): Promise<RecipientRow & { digestsMarked: boolean }> {
  const [row] = await upsert(db, externalId, fields, true).returning({
    ...getTableColumns(recipients),
    digestsMarked: markedNow,
  });
  return row!;
}

/**
 * The contact details an event carried inline: like {@link upsertRecipient},
 * except that an erased user id stays erased until the app creates the user
 * again (`PUT /v1/users/:userId`, a topic subscription with contact data): a
 * stray event for it, whatever it carries, reaches no one and stores nothing.
 *
 * Returns the recipient's id when this change of time zone marked its digest
 * windows to move (the caller asks the worker to move them), else null.
 */
export async function upsertInlineRecipient(
  db: Db,
  externalId: string,
  fields: RecipientFields,
): Promise<string | null> {
  const [row] = await upsert(db, externalId, fields, false).returning({
    id: recipients.id,
    marked: markedNow,
  });
  return row?.marked ? row.id : null;
}

/**
 * A digest mark's time: the statement's, not the transaction's start
 * (`now()`). Writers of one recipient's row take turns on its lock, so marks
 * then grow in commit order, and a reschedule job that read one mark cannot
 * settle (clear) a later change's earlier-stamped mark it never saw.
 */
export const digestMarkTime = sql`clock_timestamp()`;

/**
 * For an upsert's `set` that writes `timezone`: a changed time zone may move
 * the user's open digest windows, so it marks them unsettled in the same
 * statement (see `recipients.digestsUnsettledSince`).
 */
export const timezoneUnsettlesDigests = {
  digestsUnsettledSince: sql`case when ${recipients.timezone} is distinct from excluded.timezone then ${digestMarkTime} else ${recipients.digestsUnsettledSince} end`,
};

/**
 * For an upsert's `returning`: whether the row's digest windows were marked
 * unsettled by this transaction: a mark at or after its start. One made
 * earlier in the same transaction counts too (asking twice moves nothing
 * twice); one another transaction committed before this one began does not.
 */
export const markedNow = sql<boolean>`coalesce(${recipients.digestsUnsettledSince} >= now(), false)`;

function upsert(db: Db, externalId: string, fields: RecipientFields, revive: boolean) {
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const set = fields.timezone !== undefined ? { ...given, ...timezoneUnsettlesDigests } : given;
  return db
    .insert(recipients)
    .values({ id: newId("usr"), externalId, ...given })
    .onConflictDoUpdate(
      revive
        ? {
            target: recipients.externalId,
            set: { ...set, updatedAt: new Date(), erasedAt: null, createdAt: createdOnRevival },
          }
        : {
            target: recipients.externalId,
            set: { ...set, updatedAt: new Date() },
            setWhere: isNull(recipients.erasedAt),
          },
    );
}

/**
 * An upsert that revives an erased user id starts a new recipient: the row
 * left behind by the erase holds nothing of the old one, and counts as created now.
 */
export const createdOnRevival = sql`case when ${recipients.erasedAt} is null then ${recipients.createdAt} else now() end`;

/** The recipient for an app's user id, created bare (in-app only) when unknown. */
export async function ensureRecipient(db: Db, externalId: string): Promise<RecipientRow> {
  // Usually the recipient exists (the API upserts inline user data): look first, insert only when missing.
  const existing = await getRecipient(db, externalId);
  if (existing) return existing;
  const [created] = await db
    .insert(recipients)
    .values({ id: newId("usr"), externalId })
    .onConflictDoNothing({ target: recipients.externalId })
    .returning();
  if (created) return created;
  return (await getRecipient(db, externalId))!;
}

export async function getRecipient(db: Db, externalId: string): Promise<RecipientRow | null> {
  const query = prepared(db, "recipient_by_external_id", (d) =>
    d
      .select()
      .from(recipients)
      .where(eq(recipients.externalId, sql.placeholder("externalId")))
      .prepare("recipient_by_external_id"),
  );
  const [row] = await query.execute({ externalId });
  return row ?? null;
}

export async function getRecipientById(db: Db, id: string): Promise<RecipientRow | null> {
  const query = prepared(db, "recipient_by_id", (d) =>
    d
      .select()
      .from(recipients)
      .where(eq(recipients.id, sql.placeholder("id")))
      .prepare("recipient_by_id"),
  );
  const [row] = await query.execute({ id });
  return row ?? null;
}

/**
 * Refuses the user's tokens issued before `at` (and every plain one) from
 * now on. Creates the recipient bare when unknown, so a token leaked before
 * its first event is refused too. Returns the recipient and the time recorded.
 */
export async function revokeUserTokens(
  db: Db,
  externalId: string,
  at: Date,
): Promise<{ recipientId: string; revokedBefore: Date }> {
  const [row] = await db
    .insert(recipients)
    .values({ id: newId("usr"), externalId, tokensValidFrom: at })
    .onConflictDoUpdate({ target: recipients.externalId, set: { tokensValidFrom: at } })
    .returning({ id: recipients.id, tokensValidFrom: recipients.tokensValidFrom });
  if (!row) throw new Error(`revoking the tokens of ${externalId} returned no row`);
  return { recipientId: row.id, revokedBefore: row.tokensValidFrom ?? at };
}

/** Recipients whose open digest windows may still have to move since before `olderThan`, oldest first. */
export async function listUnsettledDigestRecipients(
  db: Db,
  olderThan: Date,
  limit: number,
): Promise<{ id: string; since: Date }[]> {
  const rows = await db
    .select({ id: recipients.id, since: recipients.digestsUnsettledSince })
    .from(recipients)
    .where(lt(recipients.digestsUnsettledSince, olderThan))
    .orderBy(asc(recipients.digestsUnsettledSince))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, since: r.since! }));
}

/**
 * Clears the mark a reschedule has dealt with: only if it is still the one
 * read before the preferences were (`seen`); a change since marked it again.
 * PostgreSQL keeps microseconds and a `Date` milliseconds, hence the truncation.
 */
export async function settleDigests(db: Db, recipientId: string, seen: Date): Promise<void> {
  await db
    .update(recipients)
    .set({ digestsUnsettledSince: null })
    .where(
      and(
        eq(recipients.id, recipientId),
        sql`date_trunc('milliseconds', ${recipients.digestsUnsettledSince}) <= ${seen.toISOString()}::timestamptz`,
      ),
    );
}
