import { loadWorkerEnv } from "../src/env.ts";

/** The least a worker's environment needs; tests add the variables they are about. */
export const ENV_BASE = {
  DATABASE_URL: "postgres://localhost/herald",
  REDIS_URL: "redis://localhost:6379",
  NODE_ENV: "test",
};

/** The message a refused configuration stops the worker with; fails when it is accepted. */
export function configError(source: Record<string, string>): string {
  try {
    loadWorkerEnv(source);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("the configuration was accepted");
}
