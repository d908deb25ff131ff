import { runWorkerProcess } from "./run-worker-process.ts";

await runWorkerProcess();
