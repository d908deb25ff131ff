import { type Db, getRecipient, type RecipientRow } from "@herald/db";
import { HeraldError } from "@herald/errors";

/** The app's user `userId`, or 404 for one Herald has not seen or has erased (every user route answers alike). */
export async function liveRecipient(db: Db, userId: string): Promise<RecipientRow> {
  const r = await getRecipient(db, userId);
  if (!r || r.erasedAt) throw new HeraldError("not_found", `No user ${userId}.`);
  return r;
}
