export { type Batcher, type BatcherOptions, createBatcher, type RunOptions } from "./batcher.ts";
