import type { TemplateEntry } from "../api/client.ts";
import { CHANNEL_LABEL } from "../format.ts";

/** The Templates page's badge for a type's escalation ("E-mail after 1h if unread"); null when it has none. */
export function escalationLabel(escalation: TemplateEntry["escalation"]): string | null {
  if (!escalation) return null;
  const channels = escalation.channels.map((c) => CHANNEL_LABEL[c] ?? c).join(" + ");
  return `${channels} after ${escalation.after} if unread`;
}
