import { z } from "@hono/zod-openapi";

/**
 * What JSON and zod let through but PostgreSQL refuses (SQLSTATE class 22),
 * found while validating so that the request (or one item of a batch) gets
 * a 422 naming the field instead of failing at the INSERT.
 */

// In `u` mode a surrogate pair is one astral code point, so `\p{Cs}` matches only a half
// standing alone: one scan per string finds both kinds. json/jsonb refuse both, text refuses NUL.
const UNSTORABLE_CHAR = /[\0\p{Cs}]/u;

/** A body of 8 MB can hold a million bad strings; the answer names the first few. */
const MAX_FOUND = 10;

export interface UnstorableString {
  /** Where, as zod paths go: keys and array indexes from the walked value. */
  path: (string | number)[];
  message: string;
}

const codeUnit = (ch: string) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

function problem(text: string): string | null {
  const bad = UNSTORABLE_CHAR.exec(text)?.[0];
  if (bad === undefined) return null;
  return bad === "\0"
    ? "must not contain the NUL character (U+0000)"
    : `must not contain an unpaired UTF-16 surrogate (${codeUnit(bad)})`;
}

/** A key that is itself the problem goes into the path escaped: no NUL or broken text in the answer or the logs. */
const printable = (key: string) => key.replace(/[\0\p{Cs}]/gu, (ch) => `\\u${codeUnit(ch).slice(2)}`);

/**
 * Every string of `value` (object keys included, at any depth) holding a NUL
 * or an unpaired surrogate, at most {@link MAX_FOUND}. Recursive: request
 * bodies are nested at most 64 deep (`jsonDepthLimit`).
 */
export function findUnstorableStrings(value: unknown): UnstorableString[] {
  const found: UnstorableString[] = [];
  const path: (string | number)[] = [];
  const report = (message: string) => {
    found.push({ path: path.map((p) => (typeof p === "string" ? printable(p) : p)), message });
  };
  const walk = (v: unknown): void => {
    if (found.length >= MAX_FOUND) return;
    if (typeof v === "string") {
      const why = problem(v);
      if (why) report(why);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && found.length < MAX_FOUND; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (typeof v === "object" && v !== null) {
      for (const key of Object.keys(v)) {
        if (found.length >= MAX_FOUND) break;
        path.push(key);
        const why = problem(key);
        if (why) report(`key ${why}`);
        walk((v as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(value);
  return found;
}

/** Adds an issue for each of {@link findUnstorableStrings}; for a schema's `superRefine`. */
export function refuseUnstorableStrings(value: unknown, ctx: z.RefinementCtx): void {
  for (const { path, message } of findUnstorableStrings(value))
    ctx.addIssue({ code: "custom", path, message });
}

// PostgreSQL's timestamptz goes further (4713 BC to 294276 AD), but `toISOString` writes year 0
// as 0000, which PostgreSQL refuses, and years past 9999 as +010000-…, which it cannot read.
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

export const STORABLE_YEARS = "years 0001 to 9999 (UTC)";

/** An ISO 8601 time with an offset whose instant falls within {@link STORABLE_YEARS}. */
export const StorableDateTime = z.iso.datetime({ offset: true }).refine(
  (text) => {
    const year = new Date(text).getUTCFullYear();
    return year >= FIRST_YEAR && year <= LAST_YEAR;
  },
  { message: `must be in the ${STORABLE_YEARS}` },
);
