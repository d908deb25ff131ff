import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/** Roles of dashboard users: `admin` may do everything, `support` no queue actions. */
export const DASHBOARD_ROLES = ["admin", "support"] as const;
export type DashboardRole = (typeof DASHBOARD_ROLES)[number];

/** People who sign in to the dashboard (operators, support staff). Not notification recipients. */
export const dashboardUsers = pgTable("dashboard_users", {
  id: text("id").primaryKey(),
  /** Stored lower-cased, so sign-in is case-insensitive. */
  email: text("email").notNull().unique(),
  /** `scrypt$N$r$p$salt$hash` (base64url parts). */
  passwordHash: text("password_hash").notNull(),
  role: text("role").$type<DashboardRole>().notNull(),
  createdAt: createdAt(),
  updatedAt: at("updated_at").notNull().defaultNow(),
  disabledAt: at("disabled_at"),
  lastLoginAt: at("last_login_at"),
});

/**
 * Signed-in dashboard sessions. The cookie carries a random token; only its
 * SHA-256 is stored, so a database leak does not hand out sessions.
 */
export const dashboardSessions = pgTable(
  "dashboard_sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => dashboardUsers.id, { onDelete: "cascade" }),
    /** The CSRF token state-changing calls must echo in `X-CSRF-Token`. */
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    expiresAt: at("expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("dashboard_sessions_user_idx").on(t.userId),
    index("dashboard_sessions_expires_idx").on(t.expiresAt),
  ],
);
