export { appNodeOptions, DEFAULT_NODE_OPTIONS, type HeraldApp } from "./app-node-options.ts";
export {
  type AppProcess,
  type AppProcessOptions,
  spawnApp,
  type WaitAnsweringOptions,
  waitUntilAnswering,
} from "./app-process.ts";
export {
  type AppSupervisor,
  type AppSupervisorOptions,
  type SupervisedChild,
  superviseApps,
} from "./app-supervisor.ts";
export { type DashboardBuildResult, dashboardSourceHash, ensureDashboardBuild } from "./dashboard-build.ts";
export { createDatabase, dropDatabase } from "./databases.ts";
export {
  type DevServices,
  type EnsureDevServicesOptions,
  embeddedPostgresDataDirs,
  ensureDevServices,
} from "./dev-services.ts";
export { type KeepRunningOptions, type KeptServer, keepRunning } from "./kept-running.ts";
export { onLauncherExit } from "./launcher-watch.ts";
export { livePidFrom, stopPid } from "./left-running.ts";
export { freeConsecutivePorts, freePort, freePorts, isPortOpen, waitFor } from "./net.ts";
export { PostgresServer, type PostgresServerOptions } from "./postgres-server.ts";
export { RedisCluster, type RedisClusterOptions } from "./redis-cluster.ts";
export { findRedisServer, REDIS_INSTALL_HINT, RedisServer, type RedisServerOptions } from "./redis-server.ts";
export { maskedApiKey, type StartBannerOptions, startBanner } from "./start-banner.ts";
