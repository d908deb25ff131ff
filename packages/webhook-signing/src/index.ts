export * from "./post-signed-webhook.ts";
export * from "./webhook-signature.ts";
