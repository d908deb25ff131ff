import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { mergePreferences, movesDigests, type PreferencesPatch } from "./preferences-patch.ts";
import { prepared } from "./prepared.ts";
import { joinedRow, pg, rowReader } from "./raw.ts";
import { digestMarkTime, type RecipientRow, readRecipient } from "./recipients.ts";
import {
  type CategoryPreference,
  type ChannelSwitches,
  preferences,
  type QuietHours,
  recipients,
  type TypePreference,
} from "./schema/index.ts";

/** The API's preference document (SPEC §4). */
export interface Preferences {
  channels: ChannelSwitches;
  categories: Record<string, CategoryPreference>;
  types: Record<string, TypePreference>;
  quietHours: QuietHours | null;
  digestTime?: string;
  unsubscribedAll: boolean;
}

const readPreferences = rowReader<typeof preferences.$inferSelect>(preferences);

export const DEFAULT_PREFERENCES: Preferences = {
  channels: {},
  categories: {},
  types: {},
  quietHours: null,
  unsubscribedAll: false,
};

export async function getPreferences(db: Db, recipientId: string): Promise<Preferences> {
  const query = prepared(db, "preferences_of_recipient", (d) =>
    d
      .select()
      .from(preferences)
      .where(eq(preferences.recipientId, sql.placeholder("recipientId")))
      .prepare("preferences_of_recipient"),
  );
  const [row] = await query.execute({ recipientId });
  return toPreferences(row);
}

/** A stored preferences row as the API's document; none stored → the defaults. */
export function toPreferences(row: typeof preferences.$inferSelect | null | undefined): Preferences {
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    channels: row.channels,
    categories: row.categories,
    types: row.types,
    quietHours: row.quietHours ?? null,
    ...(row.digestTime ? { digestTime: row.digestTime } : {}),
    unsubscribedAll: row.unsubscribedAll,
  };
}

export interface RecipientWithPreferences {
  recipient: RecipientRow;
  prefs: Preferences;
}

/** Preferences joined into a query as `to_jsonb(p) as <column>` (a left join: none stored → the defaults). */
export function joinedPreferences(raw: Record<string, unknown>, column: string): Preferences {
  return toPreferences(joinedRow(raw, column, readPreferences));
}

/** Recipients by external id with their preferences, in one query (the router's grouped load). */
export async function loadRecipientsWithPreferences(
  db: Db,
  externalIds: string[],
): Promise<Map<string, RecipientWithPreferences>> {
  if (externalIds.length === 0) return new Map();
  const rows = await pg(db)<Record<string, unknown>[]>`
    select r.*, to_jsonb(p) as prefs
    from recipients r left join preferences p on p.recipient_id = r.id
    where r.external_id = any(${externalIds}::text[])`;
  return new Map(
    rows.map((raw) => {
      const recipient = readRecipient(raw);
      return [recipient.externalId, { recipient, prefs: joinedPreferences(raw, "prefs") }];
    }),
  );
}

function columnsOf(prefs: Preferences) {
  return {
    channels: prefs.channels,
    categories: prefs.categories,
    types: prefs.types,
    quietHours: prefs.quietHours,
    digestTime: prefs.digestTime ?? null,
    unsubscribedAll: prefs.unsubscribedAll,
    updatedAt: new Date(),
  };
}

/**
 * Stores a whole document, replacing what was there. Partial changes go
 * through {@link updatePreferences}: reading, merging and saving with this
 * loses whatever another writer saved in between.
 */
export async function savePreferences(db: Db, recipientId: string, prefs: Preferences): Promise<Preferences> {
  const values = columnsOf(prefs);
  await db
    .insert(preferences)
    .values({ recipientId, ...values })
    .onConflictDoUpdate({ target: preferences.recipientId, set: values });
  return prefs;
}

/**
 * Merges `patch` into the stored preferences ({@link mergePreferences}) with
 * the row locked from read to write, so concurrent partial updates (API PUTs
 * on different parts, a one-click unsubscribe, the dashboard) each build on
 * the others' changes instead of overwriting them with what they read before.
 * Returns the document after the update. A function as `patch` builds the
 * patch from the stored document under that lock (a change that depends on
 * what is there, like the one-click unsubscribe's).
 */
export async function updatePreferences(
  db: Db,
  recipientId: string,
  patchOrBuild: PreferencesPatch | ((current: Preferences) => PreferencesPatch),
): Promise<Preferences> {
  return db.transaction(async (tx) => {
    // Only an existing row can be locked. A second first-writer waits here for
    // the first one's commit, then locks the row it made.
    await tx.insert(preferences).values({ recipientId }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(preferences)
      .where(eq(preferences.recipientId, recipientId))
      .for("update");
    const current = toPreferences(row);
    const patch = typeof patchOrBuild === "function" ? patchOrBuild(current) : patchOrBuild;
    const merged = mergePreferences(current, patch);
    await tx.update(preferences).set(columnsOf(merged)).where(eq(preferences.recipientId, recipientId));
    if (movesDigests(patch)) {
      await tx
        .update(recipients)
        .set({ digestsUnsettledSince: digestMarkTime })
        .where(eq(recipients.id, recipientId));
    }
    return merged;
  });
}
