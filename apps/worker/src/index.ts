export { inboxChannel } from "@herald/inbox-bus";
export { sendNotification } from "./channels/send-notification.ts";
export { createWorkerDeps, type WorkerDeps, type WorkerDepsOverrides } from "./deps.ts";
export { loadWorkerEnv, WORKER_QUEUES, type WorkerEnv, type WorkerQueue } from "./env.ts";
export type { ChannelSender, SendContext, SendResult } from "./providers/provider.ts";
export { decideChannels } from "./router/decide-channels.ts";
export { routeEvent } from "./router/route-event.ts";
export { type RunningWorkers, startWorkers } from "./start-workers.ts";
