import { describe, expect, it } from "vitest";
import { z } from "zod";
import { droppedKeys } from "./dropped-keys.ts";

const schema = z.object({
  orderId: z.string(),
  items: z.array(z.object({ name: z.string(), qty: z.number().default(1) })),
  meta: z.record(z.string(), z.string()).optional(),
  link: z.string().transform((u) => new URL(u).href),
});

const parse = (input: unknown) => droppedKeys(input, schema.parse(input));

describe("droppedKeys", () => {
  it("names each key the schema does not know, at any depth", () => {
    expect(
      parse({
        orderId: "A-1",
        trackingURL: "x",
        items: [{ name: "a" }, { name: "b", colour: "red" }],
        link: "https://a.example",
        ["__proto__"]: "p",
      }),
    ).toEqual([["trackingURL"], ["items", "1", "colour"], ["__proto__"]]);
  });

  it("finds nothing in data the schema keeps whole: defaults, records, transformed values", () => {
    expect(
      parse({ orderId: "A-1", items: [{ name: "a" }], meta: { any: "key" }, link: "https://a.example/x" }),
    ).toEqual([]);
  });
});
