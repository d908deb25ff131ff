import type { ApiDeps } from "../deps.ts";
import { throttledWarn } from "../log-throttle.ts";
import { createWindowCounter } from "./window-counter.ts";

/**
 * How many anonymous tracking hits (open pixel, click redirect, push click)
 * one notification may record per window. The links carry no caller and
 * there is no trusted client address without proxy configuration, but they
 * do carry the notification: whoever replays one link in a loop can add only
 * this many timeline rows a window. The answer itself (the pixel, the
 * redirect) never changes, so a real reader is never refused; above the
 * budget the hit is simply not recorded. Redis being down records everything.
 * `TRACKING_RATE_LIMIT` sets the budget (null: everything recorded).
 */
export function createTrackingBudget(deps: Pick<ApiDeps, "redis" | "env" | "logger">) {
  const setting = deps.env.TRACKING_RATE_LIMIT;
  const counter = createWindowCounter(deps.redis, `${deps.env.QUEUE_PREFIX}:tracking`);
  const unavailable = throttledWarn(deps.logger);
  const over = throttledWarn(deps.logger);
  return {
    /** Whether this hit on `notificationId` is to be recorded. */
    async records(notificationId: string): Promise<boolean> {
      if (!setting) return true;
      try {
        const [count] = await counter.count(notificationId, setting.windowMs);
        if (count <= setting.max) return true;
        over({ notificationId, max: setting.max }, "tracking hits over TRACKING_RATE_LIMIT; not recorded");
        return false;
      } catch (err) {
        unavailable({ err: (err as Error).message }, "tracking budget unavailable; recording");
        return true;
      }
    },
  };
}

export type TrackingBudget = ReturnType<typeof createTrackingBudget>;
