import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { runRetention } from "./retention.ts";
import { runStatistics } from "./statistics.ts";

/** Dispatches a `maintenance` queue job by name. Unknown names are left for the modules that own them. */
export async function runMaintenance(deps: WorkerDeps, job: Job): Promise<unknown> {
  if (job.name === "purge") return runRetention(deps);
  if (job.name === "analyze") return runStatistics(deps);
  return undefined;
}
