import { type DestinationStream, type Logger, pino } from "pino";
import { scrub } from "./scrub.ts";

export type { Logger };

export interface LoggerOptions {
  /** Default: `LOG_LEVEL` or `info` (`silent` under vitest unless LOG_LEVEL is set). */
  level?: string;
  /** Where lines go. Default: stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ app: "worker" }`. */
  base?: Record<string, unknown>;
}

/**
 * Structured JSON logs. Every line goes through {@link scrub}, so no e-mail
 * address, phone number or token reaches the log, whatever a caller passes.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info");
  return pino(
    {
      level,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrub(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // Messages are free text: scrub them like any other value.
          const scrubbed = args.map((a) => (typeof a === "string" ? scrub(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
      serializers: { err: (e: unknown) => scrub(e) },
    },
    options.destination,
  );
}
