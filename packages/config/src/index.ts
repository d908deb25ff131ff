export { booleanFlag, commaList, durationList, parseDuration, parseEnv, portNumber } from "./parse-env.ts";
