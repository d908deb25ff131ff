import { describe, expect, it } from "vitest";
import { digestible, digestRuleProblems } from "./digest-rules.ts";

const normal = { type: "comment_added", category: "social", priority: "normal" };
const problems = (digest: unknown, def: Partial<typeof normal> = {}) =>
  digestRuleProblems({ ...normal, ...def, digest: digest as never });

describe("digestible", () => {
  it("is every type but critical ones, required categories' and those whose rules say never", () => {
    expect(digestible(normal)).toBe(true);
    expect(digestible({ ...normal, digest: { never: false } })).toBe(true);
    expect(digestible({ ...normal, digest: { never: true } })).toBe(false);
    expect(digestible({ ...normal, priority: "critical" })).toBe(false);
    expect(digestible({ ...normal, category: "security", priority: "high" })).toBe(false);
  });
});

describe("digest rule checks", () => {
  const title = (n: number) => `${n} comments`;

  it("accepts well-formed rules and no rules", () => {
    expect(problems(undefined)).toEqual([]);
    expect(problems({ never: true })).toEqual([]);
    expect(problems({ summary: () => ({ title: "x" }), collapse: { title, atLeast: 3, show: 0 } })).toEqual(
      [],
    );
    expect(problems({ collapse: { title, url: () => "https://app.example/c" } })).toEqual([]);
  });

  it("names misspelt rules and values of the wrong kind", () => {
    expect(problems({ nevr: true, never: "yes", summary: "Order placed" })).toEqual([
      "digest.nevr is not a digest rule (never, summary, collapse)",
      "digest.never must be a boolean",
      "digest.summary must be a function of (data, ctx)",
    ]);
    expect(problems({ collapse: { atLeast: 1, show: 1.5, url: "x", max: 2 } })).toEqual([
      "digest.collapse.max is not a collapse rule (title, atLeast, show, url)",
      "digest.collapse.title must be a function of (count, ctx)",
      "digest.collapse.atLeast must be an integer of at least 2",
      "digest.collapse.show must be an integer of at least 0",
      "digest.collapse.url must be a function of (ctx)",
    ]);
    expect(problems(null)).toEqual(["digest must be an object of rules"]);
  });

  it("refuses rules for reading in a digest on a type that is never in one", () => {
    const summary = () => ({ title: "x" });
    expect(problems({ never: true, summary, collapse: { title } })).toEqual([
      "digest.never says it is never digested; remove digest.summary and digest.collapse",
    ]);
    expect(problems({ summary }, { priority: "critical" })).toEqual([
      "it is critical, and critical types are never digested (SPEC §3); remove digest.summary",
    ]);
    expect(problems({ never: false }, { category: "security", priority: "high" })).toEqual([
      "its category security is required, and required categories are never digested; remove digest.never: false",
    ]);
  });
});
