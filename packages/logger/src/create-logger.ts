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
    options.destination ?? stdoutDestination(),
  );
}

/**
 * pino's own default (asynchronous writes to fd 1), except that a stdout that
 * is gone stops the lines instead of the process. pino drops them on EPIPE
 * (a closed pipe) but rethrows EIO, which is what a closed terminal gives:
 * the worker's graceful shutdown after the terminal was closed died on its
 * first log line.
 */
function stdoutDestination(): DestinationStream {
  const stream = pino.destination({ fd: process.stdout.fd || 1, sync: false });
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EIO" && err.code !== "EPIPE") throw err;
    // As pino does on EPIPE: nothing more is written, not even the flush at exit.
    stream.write = () => true;
    stream.flushSync = () => {};
    stream.end = () => {};
    stream.destroy = () => {};
  });
  return stream;
}
