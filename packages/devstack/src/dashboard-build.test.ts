import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDashboardBuild } from "./dashboard-build.ts";

const repo = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "herald-dash-build-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A checkout with a tiny dashboard (no dist yet) and the real node_modules (for vite). */
function fakeCheckout(): string {
  const app = join(tmp, "apps", "dashboard");
  mkdirSync(join(app, "src"), { recursive: true });
  mkdirSync(join(tmp, "packages", "domain", "src"), { recursive: true });
  writeFileSync(join(tmp, "packages", "domain", "src", "index.ts"), "export const x = 1;\n");
  writeFileSync(
    join(app, "index.html"),
    '<!doctype html><div id="root"></div><script type="module" src="/src/main.ts"></script>',
  );
  writeFileSync(join(app, "src", "main.ts"), 'document.getElementById("root")!.textContent = "v1";\n');
  writeFileSync(join(app, "package.json"), '{"name":"fake-dashboard","type":"module"}\n');
  symlinkSync(join(repo, "node_modules"), join(tmp, "node_modules"));
  return tmp;
}

describe("ensureDashboardBuild", () => {
  it("builds a fresh checkout, skips an up-to-date build, rebuilds when a source changes", () => {
    const root = fakeCheckout();
    const dist = join(root, "apps", "dashboard", "dist");
    const first = ensureDashboardBuild(root);
    expect(first).toMatchObject({ built: true, reason: "missing" });
    expect(existsSync(join(dist, "index.html"))).toBe(true);
    const bundle = () => readFileSync(join(dist, "index.html"), "utf8");
    expect(bundle()).toMatch(/assets\/index-[\w-]+\.js/);

    expect(ensureDashboardBuild(root)).toMatchObject({ built: false });

    writeFileSync(join(root, "apps", "dashboard", "src", "main.ts"), 'document.body.textContent = "v2";\n');
    expect(ensureDashboardBuild(root)).toMatchObject({ built: true, reason: "stale" });
    // The shared domain package is part of the bundle's inputs too.
    writeFileSync(join(root, "packages", "domain", "src", "index.ts"), "export const x = 2;\n");
    expect(ensureDashboardBuild(root)).toMatchObject({ built: true, reason: "stale" });
    expect(ensureDashboardBuild(root)).toMatchObject({ built: false });
  }, 60_000);
});
