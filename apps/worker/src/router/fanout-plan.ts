import { type EventRow, type FanoutPageRow, finishFanoutPage, planFanoutPages } from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { ensureJobRuns } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";

/** A fan-out page's job id: one job per (event, page), so re-planning adds nothing twice. */
export function fanoutPageJobId(eventId: string, page: number): string {
  return `${eventId}-p${page}`;
}

/**
 * A topic event's route job: splits the audience into keyset pages (stored
 * once, see `planFanoutPages`) and enqueues one `fanout_page` job per page
 * not done yet, so pages run in parallel on every worker process and a
 * failed page is retried alone. The audience itself is never loaded here.
 */
export async function planTopicFanout(
  deps: WorkerDeps,
  event: EventRow,
  topic: string,
): Promise<{ pages: number }> {
  if (event.status !== "accepted") return { pages: event.fanoutPages ?? 0 };
  const pages = await planFanoutPages(
    deps.db,
    { id: event.id, topic, createdAt: event.createdAt },
    deps.env.fanout.pageSize,
  );
  const open = pages.filter((p) => !p.doneAt);
  if (open.length === 0) {
    // Every page finished but the last one's "event done" write was lost: finish it now.
    const last = pages[pages.length - 1]!;
    await finishFanoutPage(deps.db, event.id, last.page, last.counts!);
    return { pages: pages.length };
  }
  const priority = PRIORITY_RANK[event.priority as Priority];
  const job = (p: FanoutPageRow) => ({
    name: "fanout_page" as const,
    data: { eventId: event.id, page: p.page, cursor: p.after },
    opts: { jobId: fanoutPageJobId(event.id, p.page), priority },
  });
  if (event.fanoutPages == null) {
    // The first plan: every page's job is new.
    for (let i = 0; i < open.length; i += 1000) {
      await deps.queues.addBulk("events", open.slice(i, i + 1000).map(job));
    }
  } else {
    // Planned before (a crash, the reconciler, an operator's retry of a failed event): a page whose
    // job failed for good or finished without its page must run again, which adding its fixed job
    // id would not do (BullMQ keeps failed jobs for days and ignores the add).
    for (const p of open) {
      const { name, data, opts } = job(p);
      const { queue, state } = await deps.queues.locate("events", opts.jobId, priority);
      await ensureJobRuns(queue, opts.jobId, () => deps.queues.add("events", name, data, opts), state);
    }
  }
  deps.logger.info({ eventId: event.id, pages: pages.length, open: open.length }, "fan-out planned");
  return { pages: pages.length };
}
