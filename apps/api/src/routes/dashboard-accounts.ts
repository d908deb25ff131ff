import {
  changeDashboardAccount,
  createDashboardUser,
  type DashboardUserRow,
  listDashboardUsers,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { noteAudit, pathTarget } from "../middleware/audited.ts";
import { commonErrors, conflictError, jsonResponse, notFoundError } from "../schemas/common.ts";
import {
  AccountIdParam,
  DashboardAccountChangeSchema,
  DashboardAccountListSchema,
  DashboardAccountSchema,
  NewDashboardAccountSchema,
} from "../schemas/dashboard-accounts.ts";

const list = createRoute({
  method: "get",
  path: "/v1/dashboard/accounts",
  tags: ["Dashboard"],
  summary: "The dashboard's accounts (admins and support staff)",
  description: "Every account, by e-mail. Admin only. Passwords are never returned.",
  middleware: [requireScope("admin")] as const,
  responses: { 200: jsonResponse(DashboardAccountListSchema, "The accounts"), ...commonErrors },
});

const create = createRoute({
  method: "post",
  path: "/v1/dashboard/accounts",
  tags: ["Dashboard"],
  summary: "Add a dashboard account",
  description:
    "Admin only. The e-mail is stored lower-cased; 409 when an account has it. The password is the account's " +
    "first; the person can be given a new one with `PATCH`.",
  middleware: [requireScope("admin")] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: NewDashboardAccountSchema } } },
  },
  responses: {
    201: jsonResponse(DashboardAccountSchema, "The new account"),
    ...commonErrors,
    ...conflictError,
  },
});

const change = createRoute({
  method: "patch",
  path: "/v1/dashboard/accounts/{accountId}",
  tags: ["Dashboard"],
  summary: "Change an account's role, password or whether it may sign in",
  description:
    "Admin only. Any change signs the account out everywhere (a disabled account at once). 409 when the change " +
    "would leave no enabled admin, and when admins demote or disable their own account: another admin does that.",
  middleware: [requireScope("admin")] as const,
  request: {
    params: AccountIdParam,
    body: { required: true, content: { "application/json": { schema: DashboardAccountChangeSchema } } },
  },
  responses: {
    200: jsonResponse(DashboardAccountSchema, "The changed account"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const serialize = (u: DashboardUserRow) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  disabledAt: u.disabledAt?.toISOString() ?? null,
});

/**
 * Dashboard accounts managed from the dashboard itself (the CLI, `npm run
 * admin`, stays for the first admin and for a locked-out install).
 */
export function registerDashboardAccounts(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const rows = await listDashboardUsers(deps.db);
    return c.json({ data: rows.map(serialize) }, 200);
  });

  app.openapi(deps.audit.route(create, "dashboard_account.create"), async (c) => {
    const body = c.req.valid("json");
    const row = await createDashboardUser(deps.db, body);
    if (!row)
      throw new HeraldError(
        "conflict",
        `An account with the e-mail ${body.email.trim().toLowerCase()} exists.`,
      );
    noteAudit(c, { target: { type: "dashboard_account", id: row.id }, details: { role: row.role } });
    deps.logger.info(
      { accountId: row.id, role: row.role, by: c.get("apiKey")?.id },
      "dashboard account added",
    );
    return c.json(serialize(row), 201);
  });

  const account = pathTarget("dashboard_account", "accountId");
  app.openapi(deps.audit.route(change, "dashboard_account.update", { target: account }), async (c) => {
    const { accountId } = c.req.valid("param");
    const body = c.req.valid("json");
    // What changed, never the password itself.
    noteAudit(c, {
      details: {
        ...(body.role !== undefined ? { role: body.role } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.password !== undefined ? { password: "changed" } : {}),
      },
    });
    // The session's own account is an admin's (only admins get here).
    if (c.get("dashboardUser")?.id === accountId && (body.role === "support" || body.disabled === true)) {
      throw new HeraldError(
        "conflict",
        "You cannot demote or disable your own account; another admin can, so someone can always undo it.",
      );
    }
    const result = await changeDashboardAccount(deps.db, accountId, body);
    if (result.kind === "not_found") throw new HeraldError("not_found", `No dashboard account ${accountId}.`);
    if (result.kind === "last_admin") {
      throw new HeraldError(
        "conflict",
        `${result.email} is the only enabled admin; make another admin first.`,
      );
    }
    const row = result.row;
    deps.logger.info(
      {
        accountId,
        role: body.role,
        disabled: body.disabled,
        password: body.password !== undefined,
        by: c.get("apiKey")?.id,
      },
      "dashboard account changed",
    );
    return c.json(serialize(row), 200);
  });
}
