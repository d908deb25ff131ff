export { eventually } from "./eventually.ts";
export { prometheusFormatProblems } from "./prometheus-format.ts";
export { type TestDatabase, testDatabase } from "./test-database.ts";
export { testQueuePrefix, testRedisUrl } from "./test-redis.ts";
