import { describe, expect, it } from "vitest";
import { z } from "zod";
import { commaList, durationList, parseDuration, parseEnv, portNumber } from "./parse-env.ts";

describe("parseEnv", () => {
  const schema = z.object({
    PORT: portNumber(3000),
    CHANNELS: commaList(["email", "sms"]).optional(),
    RETRY: durationList().default([0, 60_000]),
  });

  it("applies defaults and treats empty strings as unset", () => {
    expect(parseEnv(schema, { PORT: "" }, "api")).toEqual({ PORT: 3000, RETRY: [0, 60_000] });
  });

  it("lists every bad variable in one error", () => {
    expect(() => parseEnv(schema, { PORT: "nope", CHANNELS: "email,fax", RETRY: "1x" }, "worker")).toThrow(
      /Invalid configuration for worker:\n {2}- PORT: .*\n {2}- CHANNELS.*\n {2}- RETRY: not a duration/s,
    );
  });
});

describe("parseDuration", () => {
  it("understands units", () => {
    expect([parseDuration("250"), parseDuration("2s"), parseDuration("5m"), parseDuration("1h")]).toEqual([
      250, 2000, 300_000, 3_600_000,
    ]);
  });
});
