import { testRedisUrl } from "@herald/testkit";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { QUEUE_NAMES } from "./job-catalog.ts";
import { hasCriticalLane, laneQueueName } from "./lanes.ts";
import { bullQueueName } from "./queue-names.ts";

// Every BullMQ queue: the catalog's, and the critical lanes of those that have one.
const ALL_NAMES = QUEUE_NAMES.flatMap((q) => (hasCriticalLane(q) ? [q, laneQueueName(q, "critical")] : [q]));

// Redis Cluster's key → slot function (CRC16/XMODEM of the hash tag, mod 16384).
function crc16(s: string): number {
  let crc = 0;
  for (const byte of Buffer.from(s)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
function slot(key: string): number {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return crc16(key.slice(open + 1, close)) % 16384;
  }
  return crc16(key) % 16384;
}

// Only the key names BullMQ derives are inspected; nothing is written.
const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
const opened: Queue[] = [];
afterAll(async () => {
  await Promise.all(opened.map((q) => q.close()));
  connection.disconnect();
});

describe("queue names for Redis Cluster", () => {
  it("keeps every key of one queue in one slot, whatever the prefix", () => {
    for (const prefix of ["herald", "tenant-a:herald"]) {
      for (const name of ALL_NAMES) {
        const queue = new Queue(bullQueueName(name), { connection, prefix });
        opened.push(queue);
        const keys = Object.values(queue.keys).filter((k) => k.length > 0);
        keys.push(queue.toKey("some-job-id"), `${queue.toKey("some-job-id")}:logs`);
        const slots = new Set(keys.map(slot));
        expect(slots.size, `${prefix} ${name}: ${keys.join(" ")}`).toBe(1);
        expect([...slots][0]).toBe(slot(`{${name}}`));
      }
    }
  });

  it("spreads different queues over different slots", () => {
    const slots = new Set(ALL_NAMES.map((q) => slot(`x:${bullQueueName(q)}:wait`)));
    expect(slots.size).toBe(ALL_NAMES.length);
  });

  it("computes Redis Cluster slots like Redis does", () => {
    // Values from the Redis Cluster specification / CLUSTER KEYSLOT.
    expect(slot("123456789")).toBe(12739);
    expect(slot("{user1000}.following")).toBe(slot("{user1000}.followers"));
  });
});
