import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import "./provided-context.ts";

export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A queue prefix no other test file uses, so queues never leak between files. */
export function testQueuePrefix(): string {
  return `t${randomBytes(5).toString("hex")}`;
}
