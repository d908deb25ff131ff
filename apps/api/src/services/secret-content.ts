import { isSecretCategory } from "@herald/domain";
import { getNotificationType } from "@herald/templates";
import type { Context } from "hono";
import type { HonoEnv } from "../hono-env.ts";

/** What a support session sees instead of a secret message's content. */
export const HIDDEN_FROM_SUPPORT =
  "Hidden from the support role: security messages carry what opens the user's account (reset links, codes).";

/**
 * Whether this caller sees the content and event data of secret categories
 * (`security`: password resets, codes): API keys and admins do, a support
 * session does not, since a reset link in a support agent's view is a way into
 * the user's account.
 */
export function seesSecrets(c: Context<HonoEnv>): boolean {
  return c.get("dashboardUser")?.role !== "support";
}

/** A message's content as the caller may see it: a hidden one keeps its channel and subject or title. */
export function visibleContent(
  content: Record<string, unknown>,
  category: string | null | undefined,
  sees: boolean,
): Record<string, unknown> {
  if (sees || !category || !isSecretCategory(category)) return content;
  const { channel, subject, title } = content;
  return {
    channel,
    ...(subject !== undefined ? { subject } : {}),
    ...(title !== undefined ? { title } : {}),
    hidden: HIDDEN_FROM_SUPPORT,
  };
}

/** Whether an event's data is hidden from the caller: its type's category is secret. */
export function hidesEventData(type: string, sees: boolean): boolean {
  if (sees) return false;
  const category = getNotificationType(type)?.category;
  return category !== undefined && isSecretCategory(category);
}
