export { createLogger, type Logger, type LoggerOptions } from "./create-logger.ts";
export { scrub, scrubText } from "./scrub.ts";
