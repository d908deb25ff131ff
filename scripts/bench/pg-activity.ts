import type { DbHandle } from "@herald/db";

/** What this system's PostgreSQL backends were doing while they were busy. */
export interface PgActivity {
  /** Samples taken. */
  samples: number;
  /** Backends in state `active` on average: how many statements were running at once. */
  activeBackends: number;
  /**
   * Share of the active backends' samples per wait: `CPU` where the backend
   * waited for nothing PostgreSQL tracks (running, or runnable and waiting
   * for a core), else `<wait_event_type>:<wait_event>` (`IO:WALSync`,
   * `LWLock:WALWrite`…). Shares below 1% are summed into `other`.
   */
  shares: Record<string, number>;
}

export interface PgActivitySampler {
  stop(): Promise<PgActivity>;
}

/**
 * Samples `pg_stat_activity` of `db`'s database every `intervalMs` (default
 * 100, one light query on the bench's own connection, which is left out) so
 * a scenario can say whether its statements spent their time on a CPU or
 * waiting: for the WAL to reach the disk, for a lock, for a buffer. Only
 * client backends count: an autovacuum worker analysing the database's
 * tables is active too, and is not one of the system's statements.
 */
export function samplePgActivity(db: Pick<DbHandle, "sql">, intervalMs = 100): PgActivitySampler {
  const counts = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const rows = await db.sql<{ what: string; n: number }[]>`
          select coalesce(wait_event_type || ':' || wait_event, 'CPU') as what, count(*)::int as n
          from pg_stat_activity
          where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
            and backend_type = 'client backend'
          group by 1`;
        samples++;
        for (const r of rows) {
          counts.set(r.what, (counts.get(r.what) ?? 0) + r.n);
          active += r.n;
        }
      } catch {
        // A sample lost (the database restarting) is only a sample.
      }
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (performance.now() - started))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const shares: Record<string, number> = {};
      let other = 0;
      for (const [what, n] of [...counts].sort((a, b) => b[1] - a[1])) {
        const share = active > 0 ? n / active : 0;
        if (share >= 0.01) shares[what] = Number(share.toFixed(2));
        else other += share;
      }
      if (other > 0) shares.other = Number(other.toFixed(2));
      return { samples, activeBackends: samples > 0 ? Number((active / samples).toFixed(2)) : 0, shares };
    },
  };
}
