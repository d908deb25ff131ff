import { describe, expect, it } from "vitest";
import { knownName, MARKUP_NAMES, nameHash } from "./markup-names.ts";

/** `knownName` as the tokenizer calls it, for `name` alone in the markup. */
function lookUp(name: string): string | undefined {
  let hash = 0;
  for (const c of name.toLowerCase()) hash = nameHash(hash, c.charCodeAt(0));
  const html = `<${name}>`;
  return knownName(html, 1, 1 + name.length, hash);
}

describe("knownName", () => {
  it("finds every listed name, in any case, as the listed constant", () => {
    for (const name of MARKUP_NAMES) {
      expect(lookUp(name), name).toBe(name);
      expect(lookUp(name.toUpperCase()), name).toBe(name);
    }
  });

  it("finds nothing else", () => {
    for (const name of ["tdx", "t", "colspa", "data-", "section1", "o-p", "hr_", "bodyx", ""]) {
      expect(lookUp(name), name).toBeUndefined();
    }
  });
});
