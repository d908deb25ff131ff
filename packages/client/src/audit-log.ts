import type { AuditEntry, AuditLogFilter } from "./audit-log-types.ts";
import { everyItem, type Http, iso } from "./http.ts";
import type { Page } from "./types.ts";

/** `herald.auditLog`: who did what, when, from where (needs an `admin` key). */
export function auditLogApi(http: Http) {
  const auditLog = {
    /** One page, newest first. */
    list: async (filter: AuditLogFilter = {}): Promise<Page<AuditEntry>> =>
      (
        await http.request<Page<AuditEntry>>("GET", "/v1/audit-log", {
          query: { ...filter, since: iso(filter.since), until: iso(filter.until) },
          retryable: true,
        })
      ).body,
    /** Every matching entry, newest first, page by page. */
    listAll: (filter: AuditLogFilter = {}): AsyncGenerator<AuditEntry> =>
      everyItem(filter.cursor, (cursor) => auditLog.list({ ...filter, cursor })),
  };
  return auditLog;
}
