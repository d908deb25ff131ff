export { type Batcher, type BatcherOptions, createBatcher } from "./batcher.ts";
