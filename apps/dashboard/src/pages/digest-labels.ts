import type { TemplateEntry } from "../api/client.ts";

/**
 * Short badges for a type's digest rules on the Templates page; none for a
 * type digested as its category is, one entry per item (most types).
 */
export function digestLabels(digest: TemplateEntry["digest"]): string[] {
  if (digest.never) return ["never digested"];
  return [
    ...(digest.summary ? ["digest summary"] : []),
    ...(digest.collapse ? [`collapses from ${digest.collapse.atLeast}`] : []),
  ];
}
