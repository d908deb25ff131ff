export * from "./api-keys.ts";
export * from "./events.ts";
export * from "./notifications.ts";
export * from "./outbox.ts";
export * from "./recipients.ts";
export * from "./suppressions.ts";
export * from "./tracking.ts";
