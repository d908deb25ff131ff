import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freeConsecutivePorts, freePorts, isPortOpen } from "./net.ts";

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

describe("freeConsecutivePorts", () => {
  it("gives a port that, with the next ones, can be bound on every interface", async () => {
    const base = await freeConsecutivePorts(3);
    const servers = [base, base + 1, base + 2].map(() => createServer());
    try {
      await Promise.all(
        servers.map(
          (srv, i) =>
            new Promise<void>((resolve, reject) => {
              srv.once("error", reject);
              srv.listen(base + i, () => resolve());
            }),
        ),
      );
    } finally {
      await Promise.all(
        servers.map(
          (srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve())),
        ),
      );
    }
  });

  it("gives up with a clear error when no run fits", async () => {
    await expect(freeConsecutivePorts(70_000, 3)).rejects.toThrow(
      "found no 70000 consecutive free ports in 3 tries",
    );
  });
});
