import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker engine here: this reads docker-compose.yml as Compose would (YAML
// with merge keys, then `${…}` interpolation) and checks what an operator
// relies on. It does not run the stack.
const repo = resolve(import.meta.dirname, "../..");

interface Service {
  image?: string;
  build?: string;
  init?: boolean;
  restart?: string;
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
const compose = parse(readFileSync(resolve(repo, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const nodeServices = Object.entries(services).filter(([, s]) => s.build !== undefined);

/** Compose's interpolation of `${VAR}`, `${VAR:-default}`, `${VAR:?error}` against `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g, (_m, name, op, rest) => {
    const set = env[name];
    if (set) return set;
    if (op === "?") throw new Error(rest);
    return op === "-" ? rest : "";
  });
}

/** What an app's process gets for `name` with this .env (env_file passes every line; environment wins). */
function resolved(service: string, name: string, dotEnv: Record<string, string>): string {
  const raw = services[service]!.environment?.[name];
  if (raw === undefined) return dotEnv[name] ?? "";
  return interpolate(String(raw), { HERALD_API_KEY: "hk_test_0123456789abcdefghij", ...dotEnv });
}

const seconds = (d: string) => {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`unreadable duration ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as "ms" | "s" | "m"];
};

describe("docker-compose.yml", () => {
  it("runs the api, both kinds of worker, PostgreSQL and Redis from one image", () => {
    expect(Object.keys(services).sort()).toEqual(["api", "postgres", "redis", "worker", "worker-critical"]);
    // The node healthchecks below need node in the image; the slim image has no curl.
    expect(readFileSync(resolve(repo, "Dockerfile"), "utf8")).toMatch(/^FROM node:\d+/m);
  });

  it("takes DATABASE_URL and REDIS_URL from .env when set, else the bundled services", () => {
    for (const [name] of nodeServices) {
      for (const variable of ["DATABASE_URL", "REDIS_URL"]) {
        expect(String(services[name]!.environment?.[variable])).toMatch(new RegExp(`^\\$\\{${variable}:-`));
      }
      expect(resolved(name, "DATABASE_URL", {})).toBe("postgres://postgres:herald@postgres:5432/herald");
      expect(resolved(name, "REDIS_URL", {})).toBe("redis://redis:6379");
      const managed = {
        DATABASE_URL: "postgres://h:pw@db.example.com/h",
        REDIS_URL: "rediss://cache.example.com:6380",
      };
      expect(resolved(name, "DATABASE_URL", managed)).toBe(managed.DATABASE_URL);
      expect(resolved(name, "REDIS_URL", managed)).toBe(managed.REDIS_URL);
    }
  });

  it("hard-codes no setting an operator's .env would set: each reads its own variable", () => {
    // Fixed on purpose: the worker's healthcheck asks port 3001; worker-critical is what its name says.
    const fixed = new Set([
      "worker:WORKER_HEALTH_PORT",
      "worker-critical:WORKER_HEALTH_PORT",
      "worker-critical:WORKER_LANES",
    ]);
    for (const [name, service] of nodeServices) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (fixed.has(`${name}:${variable}`)) continue;
        expect(String(value), `${name} ${variable}`).toContain(`\${${variable}`);
      }
    }
  });

  it("appends the per-app node flags to an operator's NODE_OPTIONS", () => {
    expect(resolved("api", "NODE_OPTIONS", {}).trim()).toBe("--max-old-space-size=192");
    expect(resolved("worker", "NODE_OPTIONS", { NODE_OPTIONS: "--enable-source-maps" })).toBe(
      "--enable-source-maps --max-old-space-size=192 --max-semi-space-size=32",
    );
    expect(resolved("api", "NODE_OPTIONS", { API_NODE_OPTIONS: "--max-old-space-size=512" }).trim()).toBe(
      "--max-old-space-size=512",
    );
  });

  it("restarts every service, runs node under an init, and checks readiness over the network", () => {
    for (const [name, service] of Object.entries(services))
      expect(service.restart, name).toBe("unless-stopped");
    for (const [name, service] of nodeServices) {
      expect(service.init, name).toBe(true);
      const test = service.healthcheck?.test.join(" ") ?? "";
      expect(test, name).toMatch(/^CMD node -e fetch\(.*\/readyz/);
    }
    expect(services.postgres!.healthcheck?.test).toEqual([
      "CMD",
      "pg_isready",
      "-h",
      "127.0.0.1",
      "-U",
      "postgres",
    ]);
  });

  it("gives the API time to drain on stop (README's SHUTDOWN_DRAIN_MS of 10 s, plus the 10 s it allows after)", () => {
    expect(seconds(services.api!.stop_grace_period ?? "10s")).toBeGreaterThanOrEqual(20);
    // The workers: SHUTDOWN_TIMEOUT_MS (15 s) plus slack.
    expect(seconds(services.worker!.stop_grace_period ?? "10s")).toBeGreaterThanOrEqual(20);
  });
});
