import type { ApiKeyRow, DashboardSessionRow, DashboardUserRow } from "@herald/db";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuditNote } from "./middleware/audited.ts";

/** Per-request values set by middleware. */
export interface HonoEnv {
  Variables: {
    requestId: string;
    /** The caller's key; for a dashboard session, a stand-in carrying the role's scopes. */
    apiKey: ApiKeyRow;
    /** Set when the caller signed in to the dashboard (cookie), not for API keys. */
    dashboardUser?: DashboardUserRow;
    dashboardSession?: DashboardSessionRow;
    /** The user whose own token authenticated this request (their inbox or preferences), instead of a key. */
    userToken?: string;
    /** That token itself: an open inbox stream checks it again when the user's tokens are revoked. */
    userTokenValue?: string;
    /** When that token expires (ms since 1970); unset for a plain token. An open inbox stream ends then. */
    userTokenExpiresAt?: number;
    /** Set once the rate limiter has counted this request, so a second pass (the inbox's own auth) does not. */
    rateCounted?: boolean;
    /** Set once this request's audit entry was considered, so the dashboard-session fallback does not repeat it. */
    audited?: boolean;
    /** What the handler added to its audit entry (`noteAudit`). */
    auditNote?: AuditNote;
  };
}

export type App = OpenAPIHono<HonoEnv>;
