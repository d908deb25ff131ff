import { conditionProblems } from "./conditions.ts";
import type { NotificationType } from "./define-notification.ts";
import { digestRuleProblems } from "./digest/digest-rules.ts";
import { escalationProblems } from "./escalation.ts";
import { translationProblems } from "./i18n/resolve-templates.ts";

/** A catalog entry (or a whole catalog) that must not be used: thrown when the catalog loads. */
export class CatalogError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`notification catalog refused:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CatalogError";
    this.problems = problems;
  }
}

/** Problems with one catalog entry, each prefixed with its type; empty when it is fine. */
export function notificationTypeProblems(def: NotificationType): string[] {
  return [
    ...digestRuleProblems(def),
    ...escalationProblems(def),
    ...conditionProblems(def),
    ...translationProblems(def),
  ].map((p) => `${def.type}: ${p}`);
}

/** A checked set of notification types, looked up by name. */
export interface Catalog {
  get(type: string): NotificationType | undefined;
  list(): NotificationType[];
}

/**
 * Checks `defs` and indexes them by type. Throws a {@link CatalogError}
 * naming every problem at once (a type listed twice, digest rules a type
 * cannot have, an escalation it cannot follow, a condition on a channel it lacks or without a description, a translation for a channel it lacks), so a bad catalog stops the process at boot rather than
 * routing by rules it does not follow.
 */
export function createCatalog(defs: readonly NotificationType[]): Catalog {
  const byType = new Map<string, NotificationType>();
  const problems: string[] = [];
  for (const def of defs) {
    if (byType.has(def.type)) problems.push(`${def.type}: listed twice`);
    byType.set(def.type, def);
    problems.push(...notificationTypeProblems(def));
  }
  if (problems.length > 0) throw new CatalogError(problems);
  const list = [...byType.values()];
  return {
    get: (type) => byType.get(type),
    list: () => [...list],
  };
}
