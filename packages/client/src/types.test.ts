import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const dir = resolve(import.meta.dirname, "../type-tests");
const repo = resolve(import.meta.dirname, "../../..");
let program: ts.Program;

/** Compiles the fixtures with the repository's compiler options, as `tsc` would. */
beforeAll(() => {
  const config = ts.readConfigFile(join(repo, "tsconfig.base.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repo);
  program = ts.createProgram([join(dir, "compiles.ts"), join(dir, "rejects.ts")], {
    ...parsed.options,
    noEmit: true,
  });
}, 120_000);

function errors(file: string) {
  const source = program.getSourceFile(join(dir, file))!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

describe("the client's types (a tsc test)", () => {
  it("accept correct use of every resource", () => {
    expect(errors("compiles.ts")).toEqual([]);
  });

  it("reject a wrong data field, a missing one, an unknown one, an unknown type, a user and a topic at once, a push suppression, an unknown key scope, a misspelt topic list option, an unknown user field in an import, a webhook payload used before narrowing on its type, at compile time", () => {
    const found = errors("rejects.ts");
    const lines = readFileSync(join(dir, "rejects.ts"), "utf8").split("\n");
    const expected = lines.flatMap((l, i) => (l.includes("// expect-error") ? [i + 1] : []));
    expect(expected.length).toBe(14);
    // Each marked line has an error, and nothing else does.
    expect([...new Set(found.map((e) => e.line))].sort((a, b) => a - b)).toEqual(expected);
    expect(found.find((e) => e.line === expected[0])?.message).toMatch(/string.*number/);
  });
});
