import { isRequiredCategory } from "@herald/domain";
import { listUnsubscribeHeaders, signUnsubscribeToken, unsubscribeUrl } from "@herald/unsubscribe";
import type { WorkerDeps } from "../deps.ts";

export interface UnsubscribeLink {
  url: string;
  /** RFC 8058 `List-Unsubscribe` + `List-Unsubscribe-Post`. */
  headers: Record<string, string>;
}

/**
 * The signed one-click link for an e-mail of these categories, or null when
 * one of them is required (a password reset offers no way out).
 */
export function unsubscribeLink(
  deps: Pick<WorkerDeps, "env">,
  recipientId: string,
  categories: string[],
): UnsubscribeLink | null {
  if (categories.length === 0 || categories.some(isRequiredCategory)) return null;
  const token = signUnsubscribeToken(deps.env.policy.unsubscribeSecret, {
    recipientId,
    categories: [...new Set(categories)].sort(),
  });
  const url = unsubscribeUrl(deps.env.publicUrl, token);
  return { url, headers: listUnsubscribeHeaders(url) };
}
