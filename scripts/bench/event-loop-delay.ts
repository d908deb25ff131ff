/**
 * Event loop delay of each Herald process over a scenario, from the
 * processes' own `/metrics` (prom-client's `nodejs_eventloop_lag_p99_seconds`,
 * whose histogram restarts after every scrape): one scrape at the start
 * clears it, the one at the end gives the scenario's p99. A process whose
 * loop is late makes every step of every job it holds late, critical ones too.
 */
export interface EventLoopMeter {
  /** p99 event loop delay in ms per process since the meter started (missing: not readable). */
  stop(): Promise<Record<string, number>>;
}

const P99 = /^herald_(?:api|worker)_nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m;

async function scrapeP99(url: string): Promise<number | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return null;
    const m = P99.exec(await res.text());
    return m ? Number(m[1]) * 1000 : null;
  } catch {
    return null;
  }
}

/** `metricsUrls`: process name (`api`, `worker-1`…) → its `/metrics` URL. */
export async function meterEventLoop(metricsUrls: Record<string, string>): Promise<EventLoopMeter> {
  const entries = Object.entries(metricsUrls);
  await Promise.all(entries.map(([, url]) => scrapeP99(url)));
  return {
    async stop() {
      const out: Record<string, number> = {};
      for (const [name, url] of entries) {
        const ms = await scrapeP99(url);
        if (ms !== null) out[name] = Math.round(ms);
      }
      return out;
    },
  };
}
