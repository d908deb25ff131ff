import { type Db, markSent, type SentRecord } from "@herald/db";

export interface SentWriter {
  /** Records one SENT; resolves with whether the row moved (false: something else changed it first). */
  write(record: SentRecord): Promise<boolean>;
}

const MAX_BATCH = 500;

/**
 * Group commit for SENT writes. Under load each write waiting for its own
 * round trip stretched the time between a provider's answer and its record
 * to hundreds of milliseconds, and a worker killed inside that window makes
 * the next one send again. Here writes arriving while a batch is in flight
 * join the next batch: one statement per batch, so the window stays about
 * two statement times whatever the load.
 */
export function createSentWriter(db: Db): SentWriter {
  let pending: { record: SentRecord; resolve(moved: boolean): void; reject(err: unknown): void }[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    if (flushing || pending.length === 0) return;
    flushing = true;
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(MAX_BATCH);
    try {
      const moved = await markSent(
        db,
        batch.map((b) => b.record),
      );
      for (const b of batch) b.resolve(moved.has(b.record.id));
    } catch (err) {
      // Each caller decides (the send path retries through a database outage).
      for (const b of batch) b.reject(err);
    } finally {
      flushing = false;
      void flush();
    }
  }

  return {
    write(record) {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ record, resolve, reject });
        // Writes made in the same tick go out together.
        queueMicrotask(() => void flush());
      });
    },
  };
}
