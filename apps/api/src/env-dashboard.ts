import { parseDuration } from "@herald/config";
import { z } from "zod";

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      try {
        return parseDuration(s);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    });

/** Dashboard sign-in settings, merged into the API's env schema. */
export const dashboardEnvShape = {
  /** First dashboard admin, created at start-up when no user has this e-mail (SPEC §7). */
  ADMIN_EMAIL: z.email().optional(),
  /** Password of {@link ADMIN_EMAIL} (≥ 12 characters); only used to create the user. */
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /** How long a dashboard sign-in lasts. Default 12h. */
  DASHBOARD_SESSION_TTL: duration("12h"),
  /**
   * `Secure` on the session cookie. Default: on, except when PUBLIC_URL is
   * plain http on localhost/127.0.0.1 outside production (browsers drop Secure
   * cookies on plain http).
   */
  DASHBOARD_COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
};

/** Resolves `DASHBOARD_COOKIE_SECURE=auto` against PUBLIC_URL. */
export function cookieSecure(
  setting: "auto" | "true" | "false",
  publicUrl: string,
  nodeEnv: string,
): boolean {
  if (setting !== "auto") return setting === "true";
  const plainLocal = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(publicUrl);
  return nodeEnv === "production" || !plainLocal;
}
