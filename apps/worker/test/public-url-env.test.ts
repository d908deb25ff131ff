import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";

const base = {
  DATABASE_URL: "postgres://localhost/herald",
  REDIS_URL: "redis://localhost:6379",
  NODE_ENV: "test",
};

describe("worker PUBLIC_URL", () => {
  it("defaults to the API's own default, http://localhost:$PORT, so one PORT moves both", () => {
    expect(loadWorkerEnv(base).publicUrl).toBe("http://localhost:3000");
    expect(loadWorkerEnv({ ...base, PORT: "3100" }).publicUrl).toBe("http://localhost:3100");
  });

  it("takes PUBLIC_URL as given, without a trailing slash, whatever PORT says", () => {
    expect(
      loadWorkerEnv({ ...base, PORT: "3100", PUBLIC_URL: "https://herald.example.com/" }).publicUrl,
    ).toBe("https://herald.example.com");
  });

  it("refuses a PORT that is not a port at start-up", () => {
    expect(() => loadWorkerEnv({ ...base, PORT: "http" })).toThrow(/- PORT: /);
  });
});
