export { launchChromium } from "./browser.ts";
export { sendInAppOrder } from "./in-app-order.ts";
export { openSse, type SseClient, type SseEvent } from "./sse-client.ts";
export { type Herald, type StartHeraldOptions, startHerald } from "./start-herald.ts";
