import type { Db } from "./client.ts";
import { type NotificationRow, readNotification } from "./notifications.ts";
import { joinedPreferences, type Preferences } from "./preferences.ts";
import { joinedRow, pg } from "./raw.ts";
import { type RecipientRow, readRecipient } from "./recipients.ts";
import { addressHash, contactAddress, findSuppressedKeys, normalizeAddress } from "./suppressions.ts";

export interface SendContextRow {
  notification: NotificationRow;
  recipient: RecipientRow | null;
  /**
   * The recipient's preferences as they are now (the defaults when none are
   * stored). The router read them before the row was written, and a
   * scheduled row may wait days: the send decides again with these.
   */
  prefs: Preferences;
  /**
   * Whether the recipient's current address on the notification's channel
   * (e-mail, phone) is on the suppression list (a bounce, a complaint). False
   * on channels without one (push, in-app) and for a recipient without it.
   */
  contactSuppressed: boolean;
}

/**
 * What a send job needs, for many notifications in one query: each
 * notification with its recipient, the recipient's preferences and whether
 * the address it would go to is suppressed, so the send can re-check the
 * router's opt-out and bounce rules without a round trip of its own. Ids not
 * found are absent from the map.
 *
 * The suppression list is keyed by `addressHash`, so the statement hashes
 * the recipient's address itself, normalised as `normalizeAddress` does. Its
 * `lower()` and `[[:space:]]` may disagree with JavaScript's on characters
 * outside ASCII: the normalised address comes back too, and the rows where
 * it differs from `normalizeAddress`'s (almost never any) are looked up again
 * by the router's own hash, in one more query for all of them.
 */
export async function loadSendContexts(db: Db, ids: string[]): Promise<Map<string, SendContextRow>> {
  if (ids.length === 0) return new Map();
  // The suppression probe is a primary key lookup per e-mail or SMS row, the preferences one per row.
  const rows = await pg(db)<Record<string, unknown>[]>`
    select n.*, to_jsonb(r) as recipient, to_jsonb(p) as prefs,
      c.contact_key as send_contact_key, c.suppressed as send_contact_suppressed
    from notifications n
    left join recipients r on r.id = n.recipient_id
    left join preferences p on p.recipient_id = n.recipient_id
    left join lateral (
      select k.contact_key, exists (
        select 1 from suppressions s
        where s.channel = n.channel
          and s.address_hash = encode(sha256(convert_to(n.channel || ':' || k.contact_key, 'UTF8')), 'hex')
      ) as suppressed
      from (
        select case n.channel
          when 'email' then lower(btrim(r.email))
          when 'sms' then regexp_replace(btrim(r.phone), '[[:space:]().-]', '', 'g')
        end as contact_key
      ) k
      where k.contact_key is not null
    ) c on true
    where n.id = any(${ids}::text[])`;
  const out = new Map<string, SendContextRow>();
  const recheck: { id: string; channel: NotificationRow["channel"]; address: string }[] = [];
  for (const raw of rows) {
    const notification = readNotification(raw);
    const recipient = joinedRow(raw, "recipient", readRecipient);
    const { id, channel } = notification;
    // As the router: an empty address is no address (unreachable, never looked up).
    const address = recipient ? contactAddress(channel, recipient) : null;
    if (address && normalizeAddress(channel, address) !== raw.send_contact_key)
      recheck.push({ id, channel, address });
    out.set(id, {
      notification,
      recipient,
      prefs: joinedPreferences(raw, "prefs"),
      contactSuppressed: Boolean(address) && raw.send_contact_suppressed === true,
    });
  }
  if (recheck.length > 0) {
    const suppressed = await findSuppressedKeys(db, recheck);
    for (const r of recheck)
      out.get(r.id)!.contactSuppressed = suppressed.has(`${r.channel}:${addressHash(r.channel, r.address)}`);
  }
  return out;
}

/**
 * The send contexts of every notification an ambiguous batch request (its
 * Idempotency-Key in `ambiguous_batch_key`) carried, whatever their status
 * now: canceled and suppressed ones too, since rebuilding that request's
 * exact payload needs all of its e-mails. Rare (only after Resend refused a
 * retry of that key with fewer e-mails), hence a query of its own.
 */
export async function loadBatchRequest(db: Db, batchKey: string): Promise<SendContextRow[]> {
  const rows = await pg(db)<{ id: string }[]>`
    select id from notifications where ambiguous_batch_key = ${batchKey}`;
  const found = await loadSendContexts(
    db,
    rows.map((r) => r.id),
  );
  return [...found.values()];
}
