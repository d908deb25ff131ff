import * as ReactEmail from "react-email";
import { describe, expect, it } from "vitest";
import * as components from "./components.ts";

describe("react-email components", () => {
  it("come from their own files, not react-email's whole index", () => {
    // "index" would mean react-email's layout changed (an upgrade): ~27 MB more per process.
    expect(components.componentsLoadedFrom).toBe("files");
  });

  it("are the very components react-email exports", () => {
    const index = new Map(Object.entries(ReactEmail));
    const ours = Object.entries(components).filter(([name]) => name !== "componentsLoadedFrom");
    expect(ours.length).toBe(13);
    for (const [name, component] of ours) expect(component, name).toBe(index.get(name));
  });
});
