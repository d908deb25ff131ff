import { newId } from "@herald/ids";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import type { RecipientFields } from "./recipients.ts";

/** One recipient to create or update: the app's user id and the fields it sets. */
export interface RecipientUpsert {
  userId: string;
  fields: RecipientFields;
}

/**
 * What an upsert did to a user id: `created` (new, or an erased id started
 * afresh), `updated` (a field changed), `unchanged` (every given field already
 * held that value: the row was not written).
 */
export type UpsertOutcome = "created" | "updated" | "unchanged";

export interface UpsertRecipientsResult {
  /** By user id, for every user id given. */
  outcomes: Map<string, UpsertOutcome>;
  /** Recipients whose new time zone marked their digest windows to move (the caller asks the worker). */
  digestsUnsettled: string[];
}

const COLUMNS = ["email", "phone", "locale", "timezone", "properties"] as const;

/**
 * The value a conflicting row ends with: the item's when it gave the field
 * (null included: null clears), else the stored one. `excluded` cannot say
 * which fields an item left out, so the item is looked up by user id in the
 * statement's input (a jsonb object: a binary search per row).
 */
const next = (column: (typeof COLUMNS)[number]) =>
  `case when (select items from input) -> excluded.external_id -> 'fields' ? '${column}'` +
  ` then excluded.${column} else r.${column} end`;

/**
 * The rules of `upsertRecipient` (PUT /v1/users/:userId) for many rows in one
 * statement: fields left out keep their value, an erased user id starts afresh
 * (and counts as created now), a change of time zone marks the digest windows
 * unsettled in the same statement. Unlike PUT, a row whose given fields
 * already hold those values is not written at all (still locked, as ON
 * CONFLICT locks every row it meets), so sending the same users again changes
 * nothing, `updatedAt` included.
 *
 * Rows go in user id order (`C` collation, the unique index's; ingest upserts
 * an events batch's inline users in that order too): writers locking
 * overlapping users take their locks in the same order, and one waits for the
 * other instead of deadlocking. Unsorted, `jsonb_each` would give the keys
 * shortest first.
 *
 * `created` reads `created_at = now()`: an insert's default and a revival's
 * value, while a live row updated here was created by an earlier transaction.
 */
const UPSERT = `
  with input as (select $1::jsonb as items)
  insert into recipients as r (id, external_id, email, phone, locale, timezone, properties)
  select i.value ->> 'id', i.key, f ->> 'email', f ->> 'phone', f ->> 'locale', f ->> 'timezone',
    coalesce(f -> 'properties', '{}'::jsonb)
  from input, jsonb_each(input.items) as i, lateral (select i.value -> 'fields' as f) as item
  order by i.key collate "C"
  on conflict (external_id) do update set
    ${COLUMNS.map((c) => `${c} = ${next(c)}`).join(",\n    ")},
    digests_unsettled_since = case when r.timezone is distinct from ${next("timezone")}
      then clock_timestamp() else r.digests_unsettled_since end,
    updated_at = now(),
    erased_at = null,
    created_at = case when r.erased_at is null then r.created_at else now() end
  where r.erased_at is not null
    or (${COLUMNS.map((c) => `r.${c}`).join(", ")}) is distinct from (${COLUMNS.map(next).join(", ")})
  returning r.id, r.external_id, r.created_at = now() as created,
    coalesce(r.digests_unsettled_since >= now(), false) as marked`;

/**
 * Creates or updates recipients in one statement, with the rules of
 * `upsertRecipient` (see {@link UPSERT}). User ids must be distinct.
 * `digestMarkTime` and `markedNow` in `recipients.ts` explain the marks.
 */
export async function upsertRecipients(db: Db, items: RecipientUpsert[]): Promise<UpsertRecipientsResult> {
  const outcomes = new Map<string, UpsertOutcome>(items.map((i) => [i.userId, "unchanged"]));
  if (items.length === 0) return { outcomes, digestsUnsettled: [] };
  if (outcomes.size !== items.length) throw new Error("upsertRecipients: a user id is given twice");
  // fromEntries, not assignment: a user id `__proto__` stays a key. A field given as undefined
  // is left out of the JSON, so it keeps its value (null clears it).
  const input = Object.fromEntries(items.map((i) => [i.userId, { id: newId("usr"), fields: i.fields }]));
  const rows = await pg(db).unsafe<{ id: string; external_id: string; created: boolean; marked: boolean }[]>(
    UPSERT,
    [JSON.stringify(input)],
    { prepare: true },
  );
  const digestsUnsettled: string[] = [];
  for (const row of rows) {
    outcomes.set(row.external_id, row.created ? "created" : "updated");
    if (row.marked) digestsUnsettled.push(row.id);
  }
  return { outcomes, digestsUnsettled };
}
