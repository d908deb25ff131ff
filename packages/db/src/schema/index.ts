export * from "./api-keys.ts";
export * from "./events.ts";
export * from "./notifications.ts";
export * from "./outbox.ts";
export * from "./policy.ts";
export * from "./recipients.ts";
export * from "./settings.ts";
export * from "./tracking.ts";
