export interface RunOptions {
  /**
   * Critical work (a password reset among a marketing flood): the item goes
   * in a lane of its own with its own in-flight slots, so it neither waits
   * for the batches in flight nor rides in a 500-row statement. Default false.
   */
  urgent?: boolean;
}

export interface Batcher<I, O> {
  /** Queues one item; resolves with its result once its batch has run. */
  run(item: I, options?: RunOptions): Promise<O>;
}

export interface BatcherOptions {
  /** Most items per batch. Default 500. */
  maxBatch?: number;
  /** Batches running at once, per lane (normal and urgent). Default 2. */
  maxInFlight?: number;
  /**
   * When a batch of several items fails with an error this accepts, each item
   * is run again on its own, so one bad item fails alone instead of taking
   * the jobs that happened to share its statement down with it (and, on their
   * retries, again). Default: never (every item gets the batch's error).
   */
  isolate?: (err: unknown) => boolean;
}

type Lane<I, O> = (item: I) => Promise<O>;

function createLane<I, O>(
  runBatch: (items: I[]) => Promise<O[]>,
  maxBatch: number,
  maxInFlight: number,
  isolate: ((err: unknown) => boolean) | undefined,
): Lane<I, O> {
  const runChecked = async (items: I[]): Promise<O[]> => {
    const results = await runBatch(items);
    if (results.length !== items.length)
      throw new Error(`batch returned ${results.length} of ${items.length}`);
    return results;
  };
  let pending: { item: I; resolve(o: O): void; reject(err: unknown): void }[] = [];
  let inFlight = 0;

  const pump = () => {
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(maxBatch);
      inFlight++;
      runChecked(batch.map((b) => b.item))
        .then(
          (results) => {
            for (const [i, b] of batch.entries()) b.resolve(results[i]!);
          },
          async (err) => {
            if (batch.length === 1 || !isolate?.(err)) {
              for (const b of batch) b.reject(err);
              return;
            }
            await Promise.all(batch.map((b) => runChecked([b.item]).then((r) => b.resolve(r[0]!), b.reject)));
          },
        )
        .catch((err) => {
          for (const b of batch) b.reject(err);
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // Items queued in the same tick go out together.
      if (pending.length === 1) queueMicrotask(pump);
    });
}

/**
 * Adaptive grouping for per-job database work: an item goes out at once
 * when nothing is running, and items that arrive while batches are in
 * flight wait for one and go together. Idle, a job pays no added delay;
 * under load, 64 concurrent jobs make a few statements instead of 64 round
 * trips (and commits). `runBatch` gets the items in arrival order and
 * returns one result per item, in the same order.
 */
export function createBatcher<I, O>(
  runBatch: (items: I[]) => Promise<O[]>,
  options: BatcherOptions = {},
): Batcher<I, O> {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 2;
  const normal = createLane(runBatch, maxBatch, maxInFlight, options.isolate);
  const urgent = createLane(runBatch, maxBatch, maxInFlight, options.isolate);
  return {
    run: (item, runOptions) => (runOptions?.urgent ? urgent(item) : normal(item)),
  };
}
