import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { joinedRow, pg, rowReader } from "./raw.ts";
import { type RecipientRow, readRecipient } from "./recipients.ts";
import {
  type CategoryPreference,
  type ChannelSwitches,
  preferences,
  type QuietHours,
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
      return [
        recipient.externalId,
        { recipient, prefs: toPreferences(joinedRow(raw, "prefs", readPreferences)) },
      ];
    }),
  );
}

/**
 * Applies a partial update: top-level parts left out keep their value;
 * `channels`, `categories` and `types` merge key by key, so a PUT of
 * `{channels: {sms: false}}` leaves e-mail as it was.
 */
export function mergePreferences(current: Preferences, patch: Partial<Preferences>): Preferences {
  const mergeMap = <T extends object>(a: Record<string, T>, b?: Record<string, T>) => {
    const out: Record<string, T> = { ...a };
    for (const [k, v] of Object.entries(b ?? {})) out[k] = { ...(a[k] ?? {}), ...v } as T;
    return out;
  };
  return {
    channels: { ...current.channels, ...patch.channels },
    categories: mergeMap(current.categories, patch.categories),
    types: mergeMap(current.types, patch.types),
    quietHours: patch.quietHours !== undefined ? patch.quietHours : current.quietHours,
    ...((patch.digestTime ?? current.digestTime)
      ? { digestTime: patch.digestTime ?? current.digestTime }
      : {}),
    unsubscribedAll: patch.unsubscribedAll ?? current.unsubscribedAll,
  };
}

export async function savePreferences(db: Db, recipientId: string, prefs: Preferences): Promise<Preferences> {
  const values = {
    channels: prefs.channels,
    categories: prefs.categories,
    types: prefs.types,
    quietHours: prefs.quietHours,
    digestTime: prefs.digestTime ?? null,
    unsubscribedAll: prefs.unsubscribedAll,
    updatedAt: new Date(),
  };
  await db
    .insert(preferences)
    .values({ recipientId, ...values })
    .onConflictDoUpdate({ target: preferences.recipientId, set: values });
  return prefs;
}
