/** One rate tried by the capacity search and whether it met the bar. */
export interface CapacityProbe {
  rate: number;
  pass: boolean;
}

export interface CapacitySearchOptions {
  /** First rate tried. Default 25 events/s. */
  start?: number;
  /** Highest rate worth trying: the target's own rate. */
  ceiling: number;
  /** Lowest rate worth trying before giving up. Default 5. */
  floor?: number;
  /** Stop once the highest pass and the lowest failure are within this ratio. Default 1.25. */
  resolution?: number;
  /** Most probes. Default 8. */
  maxProbes?: number;
}

/**
 * The highest rate whose probe passes, found by doubling from `start` until a
 * probe fails (or `ceiling` passes), then bisecting geometrically between the
 * last pass and the first failure; halving from `start` if it fails at once.
 * Assumes a rate that fails makes every higher one fail, as latency under
 * load does; each probe is one measurement, so the answer is as noisy as one.
 * Returns 0 when nothing down to `floor` passed.
 */
export async function searchCapacity(
  probe: (rate: number) => Promise<boolean>,
  options: CapacitySearchOptions,
): Promise<{ best: number; probes: CapacityProbe[] }> {
  const floor = options.floor ?? 5;
  const resolution = options.resolution ?? 1.25;
  const maxProbes = options.maxProbes ?? 8;
  const probes: CapacityProbe[] = [];
  let best = 0;
  let failed = Number.POSITIVE_INFINITY;
  let rate = Math.min(options.start ?? 25, options.ceiling);
  while (probes.length < maxProbes) {
    const pass = await probe(rate);
    probes.push({ rate, pass });
    if (pass) best = rate;
    else failed = rate;
    if (best >= options.ceiling || failed / Math.max(best, floor) <= resolution) break;
    let next: number;
    if (!Number.isFinite(failed)) next = Math.min(rate * 2, options.ceiling);
    else if (best === 0) next = rate / 2;
    else next = Math.sqrt(best * failed);
    next = Math.round(next);
    if (next < floor || next === rate || probes.some((p) => p.rate === next)) break;
    rate = next;
  }
  return { best, probes };
}
