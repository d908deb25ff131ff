import {
  type Db,
  type EventRow,
  type ExportNotification,
  type ExportPageLoader,
  getPreferences,
  listDevices,
  listRecipientTopics,
  listSchedules,
  type RecipientRow,
  type ScheduleRow,
  type TimeKeyPosition,
  userEventPages,
  userNotificationPages,
} from "@herald/db";
import type { OptInSettings } from "@herald/domain";
import type { Logger } from "@herald/logger";
import { serializeEvent } from "../schemas/event.ts";
import { servedPreferences } from "../schemas/preferences.ts";
import { serializeSchedule } from "../schemas/schedule.ts";
import { exportDevice, exportNotification, exportSuppression, exportUser } from "../schemas/user-export.ts";
import { jsonDocumentStream } from "./json-document-stream.ts";
import { userSuppressions } from "./user-suppressions.ts";

/** Topic memberships and schedules per query; a user has a handful of each, read whole before the first byte. */
const SMALL_PARTS_PAGE = 500;

export interface UserExportOptions {
  /** Rows per query for events and notifications. Default `EXPORT_PAGE_SIZE` (250). */
  pageSize?: number;
  /** Where notification pages come from. Default `loadNotificationPage` (tests give a failing one). */
  loadNotifications?: ExportPageLoader<ExportNotification>;
  /** Where event pages come from. Default `loadEventPage`. */
  loadEvents?: ExportPageLoader<EventRow>;
  /** The document's `exportedAt`. Default now. */
  now?: Date;
}

export interface UserExportRequest {
  recipient: RecipientRow;
  /** Whether the caller sees security messages' content and event data (`seesSecrets`). */
  sees: boolean;
  /** For the log line of an export cut short. */
  requestId: string;
  /** The operator's opt-in settings, shown with the preferences as `GET …/preferences` shows them. */
  optIn: OptInSettings;
}

async function allTopics(db: Db, recipientId: string): Promise<{ key: string; subscribedAt: string }[]> {
  const out: { key: string; subscribedAt: string }[] = [];
  let before: TimeKeyPosition | null = null;
  for (;;) {
    const rows = await listRecipientTopics(db, recipientId, before, SMALL_PARTS_PAGE);
    for (const t of rows) out.push({ key: t.topic, subscribedAt: t.subscribedAt.toISOString() });
    const last = rows[rows.length - 1];
    if (rows.length < SMALL_PARTS_PAGE || !last) return out;
    before = last.position;
  }
}

/** The user's schedules, newest first (their data may hold personal data too). */
async function allSchedules(db: Db, userId: string): Promise<ScheduleRow[]> {
  const out: ScheduleRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listSchedules(db, { userId, limit: SMALL_PARTS_PAGE, ...(after ? { after } : {}) });
    out.push(...page.data);
    const last = page.data[page.data.length - 1];
    if (!page.nextCursor || !last) return out;
    after = last.id;
  }
}

async function* mapPages<T, U>(pages: AsyncIterable<T[]>, map: (row: T) => U): AsyncGenerator<U[]> {
  for await (const page of pages) yield page.map(map);
}

/**
 * Everything Herald holds about a user, as a JSON document streamed to the
 * caller (see README, "Exporting a user's data"). The small parts (user,
 * preferences, devices, topics, suppressions) are read before this resolves,
 * so a failure there is an ordinary error answer; events and notifications
 * are read page by page (keyset, `pageSize` rows a query) as the stream is
 * consumed. A page failing after that cuts the stream (see
 * `jsonDocumentStream`) and is logged at error.
 */
export async function userExportStream(
  deps: { db: Db; logger: Logger },
  req: UserExportRequest,
  options: UserExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const { db, logger } = deps;
  const r = req.recipient;
  const [preferences, devices, topics, suppressions, schedules] = await Promise.all([
    getPreferences(db, r.id),
    listDevices(db, r.id),
    allTopics(db, r.id),
    userSuppressions(db, r),
    allSchedules(db, r.externalId),
  ]);
  const subject = { userId: r.externalId, recipientId: r.id };
  const pageSize = options.pageSize;
  const events = userEventPages(db, subject, {
    ...(pageSize ? { pageSize } : {}),
    ...(options.loadEvents ? { load: options.loadEvents } : {}),
  });
  const notifications = userNotificationPages(db, subject, {
    ...(pageSize ? { pageSize } : {}),
    ...(options.loadNotifications ? { load: options.loadNotifications } : {}),
  });
  return jsonDocumentStream(
    {
      exportedAt: (options.now ?? new Date()).toISOString(),
      user: exportUser(r),
      preferences: servedPreferences(preferences, req.optIn),
      devices: devices.map(exportDevice),
      topics,
      suppressions: suppressions.map(exportSuppression),
      schedules: schedules.map((sch) => serializeSchedule(sch, req.sees)),
    },
    [
      { name: "events", pages: mapPages(events, (e) => serializeEvent(e, req.sees)) },
      { name: "notifications", pages: mapPages(notifications, (n) => exportNotification(n, req.sees)) },
    ],
    {
      onError: (err) =>
        logger.error(
          { err: (err as Error).message, requestId: req.requestId, recipientId: r.id },
          "user export failed after streaming began; the download was cut short",
        ),
    },
  );
}
