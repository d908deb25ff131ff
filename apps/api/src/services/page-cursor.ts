import { decodeCursor } from "@herald/db";
import { HeraldError } from "@herald/errors";

/**
 * The id a list route's `cursor` query parameter points past, undefined when
 * there is none. A cursor the API did not hand out is the caller's mistake
 * (400 `malformed_request`), never an empty page: a client that mangled its
 * cursor would otherwise stop paging and miss the rest.
 */
export function decodeCursorOrThrow(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = decodeCursor(cursor);
  if (!id)
    throw new HeraldError("malformed_request", "Invalid cursor: pass nextCursor from the previous page.");
  return id;
}
