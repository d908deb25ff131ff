import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apiDocument, generateApiTypes, TYPES_FILE } from "../scripts/api-types.ts";

describe("the dashboard's typed API client", () => {
  it("is generated from the current /openapi.json (run `npm run api-types -w @herald/dashboard` when this fails)", async () => {
    const fresh = await generateApiTypes(await apiDocument());
    expect(fresh).toContain('"/v1/dashboard/overview"');
    expect(readFileSync(TYPES_FILE, "utf8")).toBe(fresh);
  });
});
