import { createHash, randomBytes } from "node:crypto";
import { newId } from "@herald/ids";
import { and, asc, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./passwords.ts";
import { type DashboardRole, dashboardSessions, dashboardUsers } from "./schema/index.ts";

export type DashboardUserRow = typeof dashboardUsers.$inferSelect;
export type DashboardSessionRow = typeof dashboardSessions.$inferSelect;

const normalise = (email: string) => email.trim().toLowerCase();
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export class WeakPasswordError extends Error {
  constructor() {
    super(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    this.name = "WeakPasswordError";
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError();
}

/** Creates a dashboard user; null when the e-mail is taken. */
export async function createDashboardUser(
  db: Db,
  input: { email: string; password: string; role: DashboardRole },
): Promise<DashboardUserRow | null> {
  checkPassword(input.password);
  const [row] = await db
    .insert(dashboardUsers)
    .values({
      id: newId("adm"),
      email: normalise(input.email),
      passwordHash: await hashPassword(input.password),
      role: input.role,
    })
    .onConflictDoNothing({ target: dashboardUsers.email })
    .returning();
  return row ?? null;
}

/**
 * The first admin from `ADMIN_EMAIL`/`ADMIN_PASSWORD`: created when missing,
 * left alone when it exists (a password changed since stays changed).
 */
export async function ensureDashboardAdmin(db: Db, email: string, password: string): Promise<void> {
  const existing = await getDashboardUserByEmail(db, email);
  if (!existing) await createDashboardUser(db, { email, password, role: "admin" });
}

export async function getDashboardUserByEmail(db: Db, email: string): Promise<DashboardUserRow | null> {
  const [row] = await db
    .select()
    .from(dashboardUsers)
    .where(eq(dashboardUsers.email, normalise(email)));
  return row ?? null;
}

export async function listDashboardUsers(db: Db): Promise<DashboardUserRow[]> {
  return db.select().from(dashboardUsers).orderBy(asc(dashboardUsers.email));
}

export type DashboardUserChange = { password?: string; role?: DashboardRole; disabled?: boolean };

/** The columns a change writes; a new password is checked and hashed first. */
async function changedColumns(change: DashboardUserChange) {
  if (change.password !== undefined) checkPassword(change.password);
  return {
    updatedAt: new Date(),
    ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password) } : {}),
    ...(change.role ? { role: change.role } : {}),
    ...(change.disabled !== undefined ? { disabledAt: change.disabled ? new Date() : null } : {}),
  };
}

export type ChangeAccountResult =
  | { kind: "changed"; row: DashboardUserRow }
  | { kind: "not_found" }
  /** The change would have left no enabled admin: nothing was changed. */
  | { kind: "last_admin"; email: string };

/**
 * Changes an account by id, as {@link updateDashboardUser} does, but never
 * leaves no enabled admin. The enabled admins' rows are locked while it
 * checks and writes, so two admins demoting each other at the same moment
 * cannot both succeed (each would have counted the other).
 */
export async function changeDashboardAccount(
  db: Db,
  id: string,
  change: DashboardUserChange,
): Promise<ChangeAccountResult> {
  // Before the transaction: scrypt takes long enough to matter while rows are locked.
  const columns = await changedColumns(change);
  return db.transaction(async (tx) => {
    const admins = await tx
      .select({ id: dashboardUsers.id })
      .from(dashboardUsers)
      .where(and(eq(dashboardUsers.role, "admin"), isNull(dashboardUsers.disabledAt)))
      .for("update");
    const [account] = await tx.select().from(dashboardUsers).where(eq(dashboardUsers.id, id));
    if (!account) return { kind: "not_found" };
    const losesAdmin =
      account.role === "admin" &&
      !account.disabledAt &&
      (change.role === "support" || change.disabled === true);
    if (losesAdmin && !admins.some((a) => a.id !== id)) return { kind: "last_admin", email: account.email };
    const [row] = await tx.update(dashboardUsers).set(columns).where(eq(dashboardUsers.id, id)).returning();
    await tx.delete(dashboardSessions).where(eq(dashboardSessions.userId, id));
    return { kind: "changed", row: row! };
  });
}

/**
 * Changes role, password and/or whether the user is disabled; signs them out
 * everywhere. One transaction (a savepoint inside the caller's): a crash in
 * between never leaves a disabled or demoted account with its sessions.
 */
export async function updateDashboardUser(
  db: Db,
  email: string,
  change: DashboardUserChange,
): Promise<DashboardUserRow | null> {
  // Before the transaction: scrypt takes long enough to matter while the row is locked.
  const columns = await changedColumns(change);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(dashboardUsers)
      .set(columns)
      .where(eq(dashboardUsers.email, normalise(email)))
      .returning();
    if (row) await tx.delete(dashboardSessions).where(eq(dashboardSessions.userId, row.id));
    return row ?? null;
  });
}

/** The enabled user with this e-mail and password, else null; unknown e-mails cost as much time. */
export async function verifyDashboardLogin(
  db: Db,
  email: string,
  password: string,
): Promise<DashboardUserRow | null> {
  const user = await getDashboardUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok || user.disabledAt) return null;
  await db.update(dashboardUsers).set({ lastLoginAt: new Date() }).where(eq(dashboardUsers.id, user.id));
  return user;
}

export interface NewDashboardSession {
  /** The cookie value; shown once, stored only as a hash. */
  token: string;
  csrfToken: string;
  session: DashboardSessionRow;
}

export async function createDashboardSession(
  db: Db,
  userId: string,
  ttlMs: number,
  userAgent?: string,
): Promise<NewDashboardSession> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  // Expired sessions are swept on sign-in, so the table stays the size of the active ones.
  await db.delete(dashboardSessions).where(lt(dashboardSessions.expiresAt, new Date()));
  const [session] = await db
    .insert(dashboardSessions)
    .values({
      id: newId("ses"),
      tokenHash: sha256(token),
      userId,
      csrfToken,
      expiresAt: new Date(Date.now() + ttlMs),
      userAgent: userAgent?.slice(0, 300) ?? null,
    })
    .returning();
  return { token, csrfToken, session: session! };
}

/** The live session for a cookie token and its (enabled) user. */
export async function findDashboardSession(
  db: Db,
  token: string,
): Promise<{ session: DashboardSessionRow; user: DashboardUserRow } | null> {
  const [row] = await db
    .select({ session: dashboardSessions, user: dashboardUsers })
    .from(dashboardSessions)
    .innerJoin(dashboardUsers, eq(dashboardUsers.id, dashboardSessions.userId))
    .where(
      and(
        eq(dashboardSessions.tokenHash, sha256(token)),
        gt(dashboardSessions.expiresAt, new Date()),
        isNull(dashboardUsers.disabledAt),
      ),
    );
  return row ?? null;
}

export async function deleteDashboardSession(db: Db, token: string): Promise<void> {
  await db.delete(dashboardSessions).where(eq(dashboardSessions.tokenHash, sha256(token)));
}
