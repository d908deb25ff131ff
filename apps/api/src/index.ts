export { createApp } from "./app.ts";
export { type ApiDeps, createApiDeps } from "./deps.ts";
export { type ApiEnv, loadApiEnv } from "./env.ts";
export { type RunningApi, startApi } from "./start-api.ts";
