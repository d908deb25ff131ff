import { z } from "zod";

/**
 * Parses `source` with `schema` once, at boot. On failure it throws one
 * error listing every bad variable, so an operator fixes them in one go.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
  app: string,
): z.infer<S> {
  // Empty strings mean "unset": docker-compose and .env files produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new Error(`Invalid configuration for ${app}:\n${lines.join("\n")}`);
}

/**
 * A zod transform: a duration such as `"90s"`, `"5m"`, `"1h"` → milliseconds,
 * or an issue saying why the string is not one.
 */
export function toDurationMs(s: string, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(s);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
}

/** A duration such as `"90s"`, `"5m"`, `"1h"` → milliseconds; `fallback` when unset. */
export const durationMs = (fallback: string) => z.string().default(fallback).transform(toDurationMs);

export const portNumber = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

/** `"email, sms"` → `["email","sms"]`, each checked against `allowed`. */
export const commaList = <T extends string>(allowed: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(allowed)));

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `"250ms"`, `"5m"`, `"1h"`, or a bare number of milliseconds. */
export function parseDuration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!m) throw new Error(`not a duration: "${value}" (use e.g. 500ms, 30s, 5m, 1h)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "ms"]!);
}

/** `"0,1m,5m,30m"` → `[0, 60000, 300000, 1800000]`. */
export const durationList = () =>
  z.string().transform((s, ctx) => {
    try {
      const list = s.split(",").map(parseDuration);
      if (list.length === 0) throw new Error("empty list");
      return list;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });
