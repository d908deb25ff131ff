import type { components } from "../api/openapi-types.ts";

export type AuditEntry = components["schemas"]["AuditEntry"];

/** How an entry ended, in words: what the badge says. */
export const OUTCOME_LABEL: Record<AuditEntry["outcome"], string> = {
  success: "done",
  forbidden: "refused (403)",
  error: "server error",
};

/** How the actor came in, under their name. */
export const VIA_LABEL: Record<AuditEntry["actor"]["via"], string> = {
  dashboard: "dashboard",
  api_key: "API key",
  cli: "CLI, on the database",
};

/** The badge's tone per outcome. */
export const OUTCOME_TONE: Record<AuditEntry["outcome"], string> = {
  success: "ok",
  forbidden: "warn",
  error: "bad",
};

/**
 * What an action means, for the actions whose name alone undersells them: an
 * export hands personal data out of Herald, an erase removes it for good.
 */
const ACTION_HINT: Record<string, string> = {
  "user.export": "personal data handed out: a download of everything Herald holds about the user",
  "user.erase": "personal data erased",
};

/** A short explanation shown under the action's name, or null for actions that speak for themselves. */
export function actionHint(action: string): string | null {
  return ACTION_HINT[action] ?? null;
}

/** `details` as one short line (`fields: email, locale · retried: 3`); nested values as JSON. */
export function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`,
    )
    .join(" · ");
}

/** Where a target's own page is, when it has one the dashboard shows (an erased user has none). */
export function targetHref(target: AuditEntry["target"]): string | null {
  if (!target) return null;
  if (target.type === "user" && !target.id.startsWith("erased:"))
    return `/users/${encodeURIComponent(target.id)}`;
  if (target.type === "notification") return `/notifications/${encodeURIComponent(target.id)}`;
  if (target.type === "topic") return `/topics/${encodeURIComponent(target.id)}`;
  return null;
}
