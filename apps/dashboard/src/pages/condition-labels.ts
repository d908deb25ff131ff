import type { TemplateEntry } from "../api/client.ts";
import { CHANNEL_LABEL } from "../format.ts";

/**
 * The Templates page's badges for a type's conditions ("SMS only if: orders
 * of 100 or more"), in the order the API lists them (`all` first). The
 * predicates are code: their descriptions are all there is to show.
 */
export function conditionLabels(conditions: TemplateEntry["conditions"]): string[] {
  return conditions.map(({ channel, description }) => {
    const which = channel === "all" ? "Every channel" : (CHANNEL_LABEL[channel] ?? channel);
    return `${which} only if: ${description}`;
  });
}
