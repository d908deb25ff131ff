/** SPEC §5: immediately, then +1 min, +5 min, +30 min, then the dead-letter queue. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 60_000, 300_000, 1_800_000];

/**
 * The attempts every producer gives a `send` job (the router, the API's
 * dead-letter retry and reschedule, the reconciler), and the longest retry
 * schedule a worker accepts. The channel worker's own schedule decides how
 * many it uses: after its last attempt it dead-letters the notification and
 * stops the job. A producer cannot know that schedule (the API does not read
 * it, and `EMAIL_RETRY_SCHEDULE` may be set on the e-mail workers alone), so
 * it must not cut the attempts short.
 */
export const MAX_SEND_ATTEMPTS = 25;

/**
 * Delay before the next attempt. `schedule[i]` is the wait before attempt i+1,
 * so after `attemptsMade` failures the next wait is `schedule[attemptsMade]`.
 */
export function retryDelay(schedule: readonly number[], attemptsMade: number): number {
  return schedule[Math.min(attemptsMade, schedule.length - 1)] ?? 0;
}
