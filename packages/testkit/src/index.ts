export {
  type CommandFeed,
  type MonitoredCommand,
  parseMonitorLine,
  startCommandFeed,
} from "./command-feed.ts";
export { type DatabaseRelay, startDatabaseRelay } from "./database-relay.ts";
export { eventually } from "./eventually.ts";
export { type FaultStack, startFaultStack, WORKER_MAIN, type WorkerProcess } from "./fault-stack.ts";
export { type NotificationPathOptions, runNotificationPath } from "./notification-path.ts";
export { closedPort, type OccupiedPort, occupiedPort } from "./occupied-port.ts";
export { prometheusFormatProblems } from "./prometheus-format.ts";
export { publishStatistics } from "./publish-statistics.ts";
export { type ProcessExit, runToExit } from "./run-to-exit.ts";
export { type TestDatabase, type TestDatabaseOptions, testDatabase } from "./test-database.ts";
export { testQueuePrefix, testRedisUrl } from "./test-redis.ts";
export { startTestRedisCluster, type TestRedisCluster } from "./test-redis-cluster.ts";
export { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";
