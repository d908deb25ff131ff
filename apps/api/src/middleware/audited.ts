import type { AuditOutcome, AuditVia, NewAuditEntry } from "@herald/db";
import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";
import type { AuditWriter } from "../services/audit-writer.ts";
import { clientIp } from "./client-address.ts";

/** What an action was on: `{ type: "user", id: "user_123" }`, `{ type: "api_key", id: "key_…" }`… */
export interface AuditTarget {
  type: string;
  id: string;
}

/** What a handler adds to its request's entry, once it knows (a created key's id, a count). */
export interface AuditNote {
  /** Replaces the target the route's declaration found. */
  target?: AuditTarget | null;
  /** Merged into the declaration's details. Never personal data: field names, counts, ids. */
  details?: Record<string, unknown>;
  /** The actor, when the request had none until the handler established it (sign-in). */
  actor?: { via: AuditVia; id: string; name: string };
  /** The answer is a stored first answer (an idempotent repeat): the first request's entry stands for both. */
  replay?: boolean;
}

export interface AuditOptions {
  /**
   * Whose calls are recorded. `all` (default): operator-grade actions,
   * whatever the caller. `dashboard`: only calls made with a dashboard
   * session, for routes apps also call through their keys at volume (user
   * upserts, preferences): those are the apps' own traffic, not recorded, and
   * cost nothing here (the session middleware looks the declaration up).
   */
  callers?: "all" | "dashboard";
  /** The target, from the request (path parameters). Default none. */
  target?: (c: Context<HonoEnv>) => AuditTarget | null;
  /** Details from the validated request, on success and server errors (not on 403). Default none. */
  details?: (c: Context<HonoEnv>) => Record<string, unknown>;
}

interface Spec extends AuditOptions {
  action: string;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A path parameter as the target: `pathTarget("user", "userId")`. */
export const pathTarget =
  (type: string, param: string) =>
  (c: Context<HonoEnv>): AuditTarget | null => {
    const id = c.req.param(param);
    return id ? { type, id } : null;
  };

/**
 * The request's validated JSON body (or query), for a declaration's `details`:
 * they run after the handler, so validation has passed; a request refused
 * before it throws, and gets no details.
 */
export function validated<T = Record<string, unknown>>(
  c: Context<HonoEnv>,
  target: "json" | "query" = "json",
): T {
  const data = (c.req as unknown as { valid(t: string): T | undefined }).valid(target);
  if (data === undefined) throw new Error(`no validated ${target}`);
  return data;
}

/** Adds to this request's audit entry (see {@link AuditNote}); nothing happens for a request not audited. */
export function noteAudit(c: Context<HonoEnv>, note: AuditNote): void {
  const current = c.get("auditNote");
  c.set("auditNote", {
    ...current,
    ...note,
    details: { ...current?.details, ...note.details },
  });
}

/** Recorded: done, refused for lack of a scope or role, or failed on the server. Not: the caller's mistakes. */
function outcomeOf(status: number): AuditOutcome | null {
  if (status >= 200 && status < 300) return "success";
  if (status === 403) return "forbidden";
  if (status >= 500) return "error";
  return null;
}

/**
 * The audit log's one way in. Routes declare their action with
 * {@link Audit.route}; a dashboard session's mutating request to a route that
 * declares none is still recorded by {@link Audit.sessions}, as `request`.
 */
export interface Audit {
  /**
   * Declares `route`'s action. Returns the route to register: for
   * `callers: "all"` with a first middleware that records every caller
   * (before the scope check, so a 403 is seen); for `"dashboard"` unchanged.
   */
  route<R extends { method: string; path: string; middleware?: unknown }>(
    route: R,
    action: string,
    options?: AuditOptions,
  ): R;
  /** After a dashboard session is authenticated: records its mutating requests. */
  sessions: MiddlewareHandler<HonoEnv>;
}

export function createAudit(writer: AuditWriter, trustProxy: number): Audit {
  // `"PUT /v1/users/:userId"` → declaration, for the session middleware.
  const specs = new Map<string, Spec>();

  const record = (c: Context<HonoEnv>, spec: Spec): void => {
    c.set("audited", true);
    const outcome = outcomeOf(c.res.status);
    if (!outcome) return;
    const note = c.get("auditNote");
    if (note?.replay) return;
    const actor = note?.actor ?? actorOf(c);
    if (!actor) return;
    let details: Record<string, unknown> = {};
    if (outcome === "forbidden") {
      // Our own message ("… lacks the "admin" scope"): which scope was missing.
      details = c.error ? { refused: c.error.message } : {};
    } else {
      try {
        details = { ...spec.details?.(c), ...note?.details };
      } catch {
        // A request that failed before its body was validated: nothing to add.
        details = { ...note?.details };
      }
    }
    let target: AuditTarget | null = null;
    if (note && "target" in note) target = note.target ?? null;
    else {
      try {
        target = spec.target?.(c) ?? null;
      } catch {
        // Taken from a body refused before it was validated (a 403 comes first): none.
      }
    }
    const entry: NewAuditEntry = {
      at: new Date(),
      actor,
      action: spec.action,
      target,
      outcome,
      status: c.res.status,
      requestId: c.get("requestId"),
      clientIp: clientIp(c, trustProxy),
      details,
    };
    writer.write(entry);
  };

  return {
    route(route, action, options = {}) {
      const spec: Spec = { ...options, action };
      const pattern = route.path.replaceAll(/\/{(.+?)}/g, "/:$1");
      specs.set(`${route.method.toUpperCase()} ${pattern}`, spec);
      if (options.callers === "dashboard") return route;
      const recordAll: MiddlewareHandler<HonoEnv> = async (c, next) => {
        await next();
        record(c, spec);
      };
      const own = (route.middleware ?? []) as MiddlewareHandler<HonoEnv>[];
      return { ...route, middleware: [recordAll, ...(Array.isArray(own) ? own : [own])] };
    },
    sessions: async (c, next) => {
      if (!MUTATING.has(c.req.method)) return next();
      await next();
      if (c.get("audited")) return;
      // The answering route's pattern (`c.req.routePath` is where the chain stopped).
      const declared = specs.get(`${c.req.method} ${c.req.routePath}`);
      record(
        c,
        declared ?? {
          action: "request",
          details: () => ({ method: c.req.method, route: c.req.routePath }),
        },
      );
    },
  };
}

/** The caller as the suppression list keeps it: a dashboard session's account, else the API key. */
export function actorOf(
  c: Context<HonoEnv>,
): { via: Exclude<AuditVia, "cli">; id: string; name: string } | null {
  const account = c.get("dashboardUser");
  if (account) return { via: "dashboard", id: account.id, name: account.email };
  const key = c.get("apiKey");
  return key ? { via: "api_key", id: key.id, name: key.name } : null;
}
