import { everyItem, type Http, seg } from "./http.ts";
import type {
  NewSchedule,
  Schedule,
  ScheduleDetail,
  ScheduleListOptions,
  SchedulePatch,
} from "./schedule-types.ts";
import type { Page } from "./types.ts";

const time = (t: string | Date | null | undefined) => (t instanceof Date ? t.toISOString() : t);

/** `herald.schedules`: recurring triggers, each run an event routed as any other. */
export function schedulesApi(http: Http) {
  const one = (id: string) => `/v1/schedules/${seg(id)}`;
  const schedules = {
    /**
     * Creates a schedule; the answer's `nextRunAt` is its first run. Sent with
     * an `Idempotency-Key` (`options.idempotencyKey`, default a random UUID per
     * call), so a retry after a lost answer gets the same schedule back.
     */
    create: async (schedule: NewSchedule, options: { idempotencyKey?: string } = {}): Promise<Schedule> =>
      (
        await http.request<Schedule>("POST", "/v1/schedules", {
          body: { ...schedule, startsAt: time(schedule.startsAt), endsAt: time(schedule.endsAt) },
          headers: { "idempotency-key": options.idempotencyKey ?? globalThis.crypto.randomUUID() },
          // Retried with the same key: a repeat answers the first request's schedule.
          retryable: true,
        })
      ).body,
    /** One page of schedules, newest first (`limit` 1–200, default 50). */
    list: async (options: ScheduleListOptions = {}): Promise<Page<Schedule>> =>
      (await http.request<Page<Schedule>>("GET", "/v1/schedules", { query: { ...options }, retryable: true }))
        .body,
    /** Every schedule of `schedules.list`, page by page. */
    listAll: (options: ScheduleListOptions = {}): AsyncGenerator<Schedule> =>
      everyItem(options.cursor, (cursor) => schedules.list({ ...options, cursor })),
    /** A schedule and its last runs' events. `not_found` (404) when unknown. */
    get: async (id: string): Promise<ScheduleDetail> =>
      (await http.request<ScheduleDetail>("GET", one(id), { retryable: true })).body,
    /** Changes, pauses (`paused: true`) or resumes a schedule. */
    update: async (id: string, patch: SchedulePatch): Promise<Schedule> =>
      (
        await http.request<Schedule>("PATCH", one(id), {
          body: { ...patch, ...(patch.endsAt !== undefined ? { endsAt: time(patch.endsAt) } : {}) },
          retryable: true,
        })
      ).body,
    /** Deletes a schedule; no further run happens. `not_found` (404) when unknown. */
    delete: async (id: string): Promise<void> => {
      // Not repeated: after a lost answer the repeat would be refused 404 though the first worked.
      await http.request<void>("DELETE", one(id), { retryable: false });
    },
  };
  return schedules;
}
