import { randomBytes } from "node:crypto";

/**
 * Every Herald id carries a prefix saying what it identifies, so a log line
 * or a support ticket is readable without a lookup.
 */
export const ID_PREFIXES = {
  evt: "event",
  ntf: "notification",
  usr: "recipient",
  dev: "device",
  key: "api key",
  req: "request",
  dlq: "dead-letter entry",
  adm: "dashboard user",
  ses: "dashboard session",
  obx: "outbox message",
  top: "topic",
  dig: "digest",
  grp: "route group (events accepted together, routed by one job)",
  snd: "send batch (notifications of one channel sent by one job)",
  swb: "status webhook batch (status changes POSTed together)",
  whe: "status webhook endpoint (a receiver of status changes)",
  whp: "status webhook test ping (POST /v1/webhook-endpoints/{id}/test)",
  aud: "audit log entry (an operator's action)",
  sch: "recurring schedule (runs create events)",
} as const;

export type IdPrefix = keyof typeof ID_PREFIXES;

// Crockford base32: no I, L, O, U, so ids survive being read aloud or retyped.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

let lastMs = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

function encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = bytes.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    const v = next[i]! + 1;
    next[i] = v & 0xff;
    if (v <= 0xff) break;
  }
  return next;
}

/**
 * A new id: `<prefix>_` then 26 base32 characters of 48-bit milliseconds and
 * 80 random bits (ULID layout). Ids sort by creation time, which lets cursors
 * and B-tree inserts stay cheap; within one millisecond in one process they
 * stay strictly increasing.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let random: Uint8Array;
  if (now === lastMs) {
    random = increment(lastRandom);
  } else {
    random = randomBytes(10);
    lastMs = now;
  }
  lastRandom = random;
  const bytes = new Uint8Array(16);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(random, 6);
  // 128 bits -> 26 chars (the last char carries 3 bits)
  return `${prefix}_${encode(bytes)}`;
}

/**
 * The smallest id {@link newId} can make at `at`: every id created earlier
 * sorts below it, so `id < idFloor(prefix, cutoff)` is a time filter served by
 * the primary key (retention uses it).
 */
export function idFloor(prefix: IdPrefix, at: Date): string {
  const bytes = new Uint8Array(16);
  let ms = at.getTime();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  return `${prefix}_${encode(bytes)}`;
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}

/** The creation time encoded in an id made by {@link newId}. */
export function idTime(id: string): Date {
  const body = id.slice(id.indexOf("_") + 1, id.indexOf("_") + 11);
  let bits = 0n;
  for (const ch of body) bits = (bits << 5n) | BigInt(ALPHABET.indexOf(ch));
  // 10 chars = 50 bits; the first 48 are the timestamp
  return new Date(Number(bits >> 2n));
}
