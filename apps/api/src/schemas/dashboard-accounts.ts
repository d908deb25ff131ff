import { MIN_PASSWORD_LENGTH } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.ts";

const accountExample = {
  id: "adm_01jd8q3k5m6n7p8q9r0s1t2v41",
  email: "lin@example.com",
  role: "support" as const,
  createdAt: "2026-11-20T09:00:00.000Z",
  lastLoginAt: "2026-11-24T08:12:31.000Z",
  disabledAt: null,
};

export const DashboardAccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(["admin", "support"]),
    createdAt: Timestamp,
    lastLoginAt: Timestamp.nullable(),
    disabledAt: Timestamp.nullable().openapi({ description: "Set while the account may not sign in" }),
  })
  .openapi("DashboardAccount", { example: accountExample });

export const DashboardAccountListSchema = z
  .object({ data: z.array(DashboardAccountSchema) })
  .openapi("DashboardAccountList", { example: { data: [accountExample] } });

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

export const NewDashboardAccountSchema = z
  .object({
    email: z.email().max(320),
    role: z.enum(["admin", "support"]),
    password: password.openapi({ description: "Its first password; tell it to the person out of band" }),
  })
  .strict()
  .openapi("NewDashboardAccount", {
    example: { email: "lin@example.com", role: "support", password: "a long first password" },
  });

export const DashboardAccountChangeSchema = z
  .object({
    role: z.enum(["admin", "support"]).optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: "name at least one of role, disabled, password" })
  .openapi("DashboardAccountChange", { example: { role: "admin" } });

export const AccountIdParam = z.object({
  accountId: z
    .string()
    .max(64)
    .openapi({ param: { name: "accountId", in: "path" }, example: "adm_01jd8q3k5m6n7p8q9r0s1t2v41" }),
});
