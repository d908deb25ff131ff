import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "./parse-env.ts";
import { requiredInProduction } from "./required-in-production.ts";

const schema = z
  .object({ NODE_ENV: z.string().default("development"), A: z.string().optional(), B: z.string().optional() })
  .superRefine(requiredInProduction({ A: "a reason", B: "another" }));

describe("requiredInProduction", () => {
  it("names every missing variable at once in production", () => {
    expect(() => parseEnv(schema, { NODE_ENV: "production" }, "app")).toThrow(
      "Invalid configuration for app:\n  - A: is required in production (a reason)\n  - B: is required in production (another)",
    );
    expect(() => parseEnv(schema, { NODE_ENV: "production", A: "x" }, "app")).toThrow(/^(?!.*- A:).*- B:/s);
  });

  it("asks for nothing outside production", () => {
    expect(parseEnv(schema, {}, "app")).toEqual({ NODE_ENV: "development" });
  });
});
