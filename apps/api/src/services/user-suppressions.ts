import { contactAddress, type Db, findSuppressed, type RecipientRow, type SuppressionRow } from "@herald/db";

const CHANNELS = ["email", "sms"] as const;

/**
 * The suppression list entries of the user's current e-mail address and
 * phone number, e-mail first (at most one each): what `GET …/suppressions`
 * lists and a data export includes. An address the user no longer has is not
 * theirs to see.
 */
export async function userSuppressions(db: Db, r: RecipientRow): Promise<SuppressionRow[]> {
  const targets = CHANNELS.flatMap((channel) => {
    const address = contactAddress(channel, r);
    return address ? [{ channel, address }] : [];
  });
  const found = await findSuppressed(db, targets);
  return CHANNELS.flatMap((channel) => {
    const row = found.get(channel);
    return row ? [row] : [];
  });
}
