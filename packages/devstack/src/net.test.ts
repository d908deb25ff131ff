import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePorts, isPortOpen } from "./net.ts";

describe("freePorts", () => {
  it("gives distinct ports that are free once it returns", async () => {
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(await isPortOpen(port)).toBe(false);
    }
    // Free means bindable by the caller right away.
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(ports[0], "127.0.0.1", () => resolve());
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
