import { isRequiredCategory } from "@herald/domain";
import type { RenderContext } from "../define-notification.ts";
import type { DigestEntry } from "./summarize.ts";

/** What a summary gives for one item: the line's title, and optionally a body and a link. */
export type DigestSummary = Pick<DigestEntry, "title" | "body" | "url">;

/**
 * Several items of one type in one digest shown as one entry ("3 new
 * orders"), naming the first few.
 */
export interface DigestCollapse {
  /** The entry's title, given how many items it stands for: `(n) => \`${n} new orders\``. Required. */
  title: (count: number, ctx: RenderContext) => string;
  /** How many items of the type one digest must hold before they collapse. Default 2 (at least 2). */
  atLeast?: number;
  /** How many of the items the entry's body names (their summaries' titles, oldest first). Default 3; 0 names none. */
  show?: number;
  /** The entry's link (a list of them in your app). Default: none. */
  url?: (ctx: RenderContext) => string;
}

/**
 * A notification type's digest rules (SPEC §3 "optional digest rules").
 * Digesting itself is the user's choice (their category's digest mode);
 * these say whether the type may be folded, and how its items read when
 * they are. Every rule is optional; a type without any is digested as its
 * category is, one entry per item.
 */
export interface DigestRules<D> {
  /**
   * Never folded into a digest, whatever digest mode the user set for the
   * type's category: routed as if the category were `instant`. An item filed
   * into a window before the type said so is not folded either: at its
   * window's flush it leaves the window and goes out on its own. Default `false`.
   */
  never?: boolean;
  /**
   * How one item reads in a digest, from its data and the digest's render
   * context (the recipient's locale and time zone). Default: the type's
   * in-app template, else its push template, else the content stored on the
   * item. A summary that throws or gives no title falls back to those; the
   * title is cut to 200 characters and the body to 400, as the fallbacks are.
   */
  summary?: (data: D, ctx: RenderContext) => DigestSummary;
  /** Items of this type in one digest collapse into one entry. Default: none (one entry per item). */
  collapse?: DigestCollapse;
}

/** {@link DigestCollapse.atLeast}'s default. */
export const DEFAULT_COLLAPSE_AT_LEAST = 2;
/** {@link DigestCollapse.show}'s default. */
export const DEFAULT_COLLAPSE_SHOW = 3;

/** What `digestible` and the checks need of a catalog entry. */
interface TypeFacts {
  type: string;
  category: string;
  priority: string;
  digest?: DigestRules<never> | undefined;
}

/**
 * Whether items of this type may be folded into a digest at all: not a
 * critical type nor one of a required category (SPEC §3), and not one whose
 * rules say `never`. The user's digest mode decides whether they are.
 */
export function digestible(def: TypeFacts): boolean {
  return def.priority !== "critical" && !isRequiredCategory(def.category) && def.digest?.never !== true;
}

const RULES = new Set(["never", "summary", "collapse"]);
const COLLAPSE_RULES = new Set(["title", "atLeast", "show", "url"]);
const isInt = (v: unknown, min: number) => typeof v === "number" && Number.isInteger(v) && v >= min;

/** Problems with a type's digest rules, in words for the error at boot; empty when there are none. */
export function digestRuleProblems(def: TypeFacts): string[] {
  const rules = def.digest as Record<string, unknown> | undefined;
  if (rules === undefined) return [];
  if (typeof rules !== "object" || rules === null) return ["digest must be an object of rules"];
  const problems = Object.keys(rules)
    .filter((k) => !RULES.has(k))
    .map((k) => `digest.${k} is not a digest rule (${[...RULES].join(", ")})`);
  if (rules.never !== undefined && typeof rules.never !== "boolean")
    problems.push("digest.never must be a boolean");
  if (rules.summary !== undefined && typeof rules.summary !== "function")
    problems.push("digest.summary must be a function of (data, ctx)");
  const collapse = rules.collapse as Record<string, unknown> | undefined;
  if (collapse !== undefined) {
    if (typeof collapse !== "object" || collapse === null) problems.push("digest.collapse must be an object");
    else {
      for (const k of Object.keys(collapse).filter((k) => !COLLAPSE_RULES.has(k)))
        problems.push(`digest.collapse.${k} is not a collapse rule (${[...COLLAPSE_RULES].join(", ")})`);
      if (typeof collapse.title !== "function")
        problems.push("digest.collapse.title must be a function of (count, ctx)");
      if (collapse.atLeast !== undefined && !isInt(collapse.atLeast, 2))
        problems.push("digest.collapse.atLeast must be an integer of at least 2");
      if (collapse.show !== undefined && !isInt(collapse.show, 0))
        problems.push("digest.collapse.show must be an integer of at least 0");
      if (collapse.url !== undefined && typeof collapse.url !== "function")
        problems.push("digest.collapse.url must be a function of (ctx)");
    }
  }
  // Rules that presume the type is digested, on one that never is: a mistake about what the type
  // is, which would otherwise pass silently (and `never: false` cannot make a critical type digestible).
  const reading = ["summary", "collapse"].filter((k) => rules[k] !== undefined).map((k) => `digest.${k}`);
  if (rules.never === false) reading.unshift("digest.never: false");
  if (reading.length > 0) {
    const never =
      def.priority === "critical"
        ? "it is critical, and critical types are never digested (SPEC §3)"
        : isRequiredCategory(def.category)
          ? `its category ${def.category} is required, and required categories are never digested`
          : rules.never === true
            ? "digest.never says it is never digested"
            : null;
    if (never) problems.push(`${never}; remove ${reading.join(" and ")}`);
  }
  return problems;
}
