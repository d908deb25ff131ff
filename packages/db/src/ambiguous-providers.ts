import type { Db } from "./client.ts";
import { pg } from "./raw.ts";

/** A provider that may hold a notification, and the key of the batch request it went in (null: its own). */
export interface AmbiguousProvider {
  id: string;
  provider: string;
  batchKey: string | null;
}

/**
 * Records on each notification the provider that may hold it although it
 * never said so (`ambiguous_provider`, `ambiguous_batch_key`), as a failed
 * attempt's ambiguous answer does, without a status change, a timeline entry
 * or a new `updated_at`: a request to that provider was in flight when its
 * worker died. Every later attempt then goes to that provider alone with the
 * same key. Rows already holding a provider keep theirs (only their own
 * provider was asked), and a row of any status is marked: the rows sharing a
 * batch key are that request's e-mails, canceled or sent ones included, for
 * its retry to rebuild it. Returns the ids marked.
 */
export async function recordAmbiguousProviders(db: Db, records: AmbiguousProvider[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const input = JSON.stringify(
    records.map((r) => ({ id: r.id, provider: r.provider, batch_key: r.batchKey })),
  );
  // As in markRetrying: the id list keeps the planner on the primary key.
  const ids = records.map((r) => r.id);
  const rows = await pg(db)<{ id: string }[]>`
    with v as (
      select * from jsonb_to_recordset(${input}::jsonb) as x(id text, provider text, batch_key text)
    )
    update notifications n
    set ambiguous_provider = v.provider, ambiguous_batch_key = v.batch_key
    from v
    where n.id = any(${ids}::text[]) and n.id = v.id and n.ambiguous_provider is null
    returning n.id`;
  return new Set(rows.map((r) => r.id));
}
