import { newId } from "@herald/ids";
import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { rowReader } from "./raw.ts";
import { devices, preferences, recipients } from "./schema/index.ts";

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

/** Creates or updates a recipient; fields left out keep their value. */
export async function upsertRecipient(
  db: Db,
  externalId: string,
  fields: RecipientFields,
): Promise<RecipientRow> {
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const [row] = await db
    .insert(recipients)
    .values({ id: newId("usr"), externalId, ...set })
    .onConflictDoUpdate({
      target: recipients.externalId,
      set: { ...set, updatedAt: new Date(), erasedAt: null },
    })
    .returning();
  return row!;
}

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
 * Erases a recipient's personal data: contact fields, properties, devices,
 * preferences, the data of their events and provider error texts.
 * Notification rows stay (anonymised: their rendered content is cleared) so
 * delivery counts remain true.
 */
export async function eraseRecipient(db: Db, externalId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(recipients)
      .set({ email: null, phone: null, locale: null, timezone: null, properties: {}, erasedAt: new Date() })
      .where(eq(recipients.externalId, externalId))
      .returning({ id: recipients.id });
    if (!row) return false;
    await tx.delete(devices).where(eq(devices.recipientId, row.id));
    await tx.delete(preferences).where(eq(preferences.recipientId, row.id));
    await tx.execute(
      sql`update notifications set content = json_build_object('channel', channel, 'erased', true), last_error = null
        where recipient_id = ${row.id}`,
    );
    // Provider errors quote addresses ("Invalid 'To' Phone Number: +1…"); statuses and times stay.
    await tx.execute(sql`update notification_timeline set detail = detail - 'error'
      where detail ? 'error' and notification_id in (select id from notifications where recipient_id = ${row.id})`);
    // Event data is the app's payload about this user (names, links with tokens…).
    await tx.execute(sql`update events set data = '{}'::jsonb where user_id = ${externalId}`);
    await tx.execute(sql`update outbox_messages set destination = '[erased]', content = json_build_object('channel', channel, 'erased', true)
      where notification_id in (select id from notifications where recipient_id = ${row.id})`);
    return true;
  });
}
