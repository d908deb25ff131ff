export {
  booleanFlag,
  commaList,
  durationList,
  durationMs,
  parseDuration,
  parseEnv,
  portNumber,
} from "./parse-env.ts";
