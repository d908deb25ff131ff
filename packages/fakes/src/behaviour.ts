/** How a fake should misbehave for the next requests. */
export interface FailureRule {
  /** HTTP status to answer with (the SMTP fake takes an SMTP reply code such as 451 or 550). */
  status: number;
  /** Sent as `Retry-After`: seconds, or a string as is (an HTTP date). */
  retryAfter?: number | string;
  /** Provider-specific error body; each fake has a realistic default for the status. */
  body?: unknown;
  /** How many requests fail. Default: every request until `reset()`. */
  times?: number;
}

/**
 * The failure and latency settings shared by every fake. Rules apply in the
 * order they were added; a rule with `times` is dropped once used up.
 */
export class Behaviour {
  private rules: { rule: FailureRule; left: number }[] = [];
  private latencyMs = 0;

  failWith(rule: FailureRule): void {
    this.rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** Delay before every answer (to exercise timeouts and measure overhead). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Waits the configured latency, then returns the failure this request gets, if any. */
  async next(): Promise<FailureRule | undefined> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const head = this.rules[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) this.rules.shift();
    return head.rule;
  }

  reset(): void {
    this.rules = [];
    this.latencyMs = 0;
  }
}

/** What a fake received, in order, with a way to wait for more. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves with every item once at least `count` arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve([...this.items]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`expected ${count} requests, got ${this.items.length} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve([...this.items]);
        },
      };
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** The controls every fake offers. */
export interface FakeProvider<R> {
  /** Base URL to point the SDK at. */
  readonly url: string;
  /** Everything accepted or refused so far, oldest first. */
  readonly received: R[];
  /** Fail the next requests (see {@link FailureRule}). */
  failWith(rule: FailureRule): void;
  setLatency(ms: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<R[]>;
  /** Clears failures (including per-address ones such as rejected numbers or expired subscriptions), latency and what was received. */
  reset(): void;
  close(): Promise<void>;
}

/** Wires a {@link Behaviour} and a {@link Recorder} into the common controls. */
export function controls<R>(
  url: string,
  behaviour: Behaviour,
  recorder: Recorder<R>,
  close: () => Promise<void>,
): FakeProvider<R> {
  return {
    url,
    received: recorder.items,
    failWith: (rule) => behaviour.failWith(rule),
    setLatency: (ms) => behaviour.setLatency(ms),
    waitFor: (count, timeoutMs) => recorder.waitFor(count, timeoutMs),
    reset() {
      behaviour.reset();
      recorder.clear();
    },
    close,
  };
}
