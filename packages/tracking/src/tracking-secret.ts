/**
 * Used when `TRACKING_SECRET` is unset outside production, so a development
 * API and worker agree without configuration. Production refuses to start
 * without a real secret.
 */
export const DEV_TRACKING_SECRET = "herald-development-tracking-secret-not-for-production";

/** The secret tracking tokens are signed with; throws in production when none is configured. */
export function resolveTrackingSecret(nodeEnv: string, configured: string | undefined): string {
  if (configured) return configured;
  if (nodeEnv === "production") {
    throw new Error(
      "Invalid configuration:\n  - TRACKING_SECRET: required in production (at least 32 characters)",
    );
  }
  return DEV_TRACKING_SECRET;
}
