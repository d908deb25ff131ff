export type * from "./api-key-types.ts";
export { HeraldApiError, HeraldNetworkError } from "./errors.ts";
export { Herald, type HeraldOptions } from "./herald.ts";
export type * from "./inbox-types.ts";
export type * from "./ops-types.ts";
export type * from "./suppression-types.ts";
export type * from "./topic-types.ts";
export type * from "./types.ts";
export type * from "./user-batch-types.ts";
