export const PRIORITIES = ["critical", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * BullMQ priority per Herald priority (1 is served first). Every queue uses
 * the same map, so a marketing flood never delays a password reset.
 */
export const PRIORITY_RANK: Record<Priority, number> = { critical: 1, high: 2, normal: 3, low: 4 };
