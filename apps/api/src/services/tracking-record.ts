import type { ApiDeps } from "../deps.ts";
import { throttledWarn } from "../log-throttle.ts";

export interface TrackingRecorderOptions {
  /**
   * How long a pixel or redirect waits for its record before answering
   * anyway (the write goes on). Default 500 ms: a write takes milliseconds,
   * but one to a PostgreSQL that stopped answering (rather than refusing)
   * waits for the pool's connect timeout, seconds.
   */
  waitMs?: number;
}

/**
 * Records e-mail open and click hits without making the answer depend on
 * the record. The token is signed and carries what the answer needs (the
 * pixel, the link), so a recipient who clicks during a PostgreSQL outage
 * still reaches the destination rather than an error page; the hit is lost,
 * with a warning (throttled: every hit of an outage would log one).
 */
export function createTrackingRecorder(deps: Pick<ApiDeps, "logger">, options: TrackingRecorderOptions = {}) {
  const waitMs = options.waitMs ?? 500;
  const failed = throttledWarn(deps.logger);
  return {
    /** Runs `write` for a `what` ("open", "click") hit on `notificationId`; never rejects. */
    async record(what: string, notificationId: string, write: () => Promise<unknown>): Promise<void> {
      // Settled here, so a write that fails after the answer went out is no unhandled rejection.
      const done = Promise.resolve()
        .then(write)
        .then(
          () => undefined,
          (err: unknown) =>
            failed(
              { notificationId, err: (err as Error)?.message ?? String(err) },
              `tracking ${what} not recorded`,
            ),
        );
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      });
      await Promise.race([done, waited]);
      clearTimeout(timer);
    },
  };
}

export type TrackingRecorder = ReturnType<typeof createTrackingRecorder>;
