export { type ListenTarget, listenProblem } from "./listen-problem.ts";
export { optInCategoryProblem, optInEnvShape, toOptInSettings } from "./opt-in-env.ts";
export {
  booleanFlag,
  commaList,
  durationList,
  durationMs,
  parseDuration,
  parseEnv,
  portNumber,
  toDurationMs,
} from "./parse-env.ts";
export {
  redisEnvShape,
  redisSeedProblems,
  redisSeedUrls,
  redisTopologyProblems,
  refineRedisEnv,
} from "./redis-env.ts";
export { requiredInProduction } from "./required-in-production.ts";
export { stopWithParent } from "./stop-with-parent.ts";
export { within } from "./within.ts";
