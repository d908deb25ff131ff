/** SPEC §5: immediately, then +1 min, +5 min, +30 min, then the dead-letter queue. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 60_000, 300_000, 1_800_000];

/**
 * Delay before the next attempt. `schedule[i]` is the wait before attempt i+1,
 * so after `attemptsMade` failures the next wait is `schedule[attemptsMade]`.
 */
export function retryDelay(schedule: readonly number[], attemptsMade: number): number {
  return schedule[Math.min(attemptsMade, schedule.length - 1)] ?? 0;
}
