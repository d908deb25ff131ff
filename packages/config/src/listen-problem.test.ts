import { describe, expect, it } from "vitest";
import { listenProblem } from "./listen-problem.ts";

const target = { what: "herald api", host: "10.9.9.9", port: 80, portVar: "PORT", hostVar: "HOST" };
const error = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe("listenProblem", () => {
  it("says which variable to change for each configuration error", () => {
    expect(listenProblem(error("EADDRINUSE"), target)).toBe(
      "herald api: port 80 is already in use (10.9.9.9:80): stop what listens there, or set PORT to a free port",
    );
    expect(listenProblem(error("EACCES"), target)).toBe(
      "herald api: no permission to listen on 10.9.9.9:80: set PORT to 1024 or above",
    );
    expect(listenProblem(error("EADDRNOTAVAIL"), { ...target, hostVar: "WORKER_HEALTH_HOST" })).toBe(
      "herald api: WORKER_HEALTH_HOST 10.9.9.9 is not an address of this machine",
    );
  });

  it("leaves any other error to the caller", () => {
    expect(listenProblem(error("EMFILE"), target)).toBeUndefined();
    expect(listenProblem(new Error("boom"), target)).toBeUndefined();
  });
});
