import type { Preferences } from "@herald/db";
import { DEFAULT_DIGEST_TIME, isRequiredCategory } from "@herald/domain";
import { nextLocalTime } from "@herald/recurrence";
import type { DigestPeriod } from "@herald/templates";

/** Weekly digests go out on Mondays (ISO weekday 1). */
export const WEEKLY_DIGEST_WEEKDAY = 1;

/** The digest mode of a category for this user; required categories are never digested. */
export function digestPeriodFor(prefs: Preferences, category: string): DigestPeriod | null {
  if (isRequiredCategory(category)) return null;
  const mode = prefs.categories[category]?.digest;
  return mode === "daily" || mode === "weekly" ? mode : null;
}

/**
 * The period a window holding items of `categories` is for: weekly only when
 * every one of them is digested weekly (a daily one among them makes it daily).
 */
export function windowPeriod(prefs: Preferences, categories: string[]): DigestPeriod {
  return categories.every((c) => digestPeriodFor(prefs, c) === "weekly") ? "weekly" : "daily";
}

/** The end of the digest window that contains `at`: the next digest time after it, in the user's zone. */
export function digestFlushAt(period: DigestPeriod, prefs: Preferences, zone: string, at: Date): Date {
  return nextLocalTime(
    at,
    prefs.digestTime ?? DEFAULT_DIGEST_TIME,
    zone,
    period === "weekly" ? { weekday: WEEKLY_DIGEST_WEEKDAY } : {},
  );
}
