/**
 * The audit log entries of `npm run keys` and `npm run admin`. They write
 * straight to PostgreSQL, past the API's audit middleware, so they record
 * their own actions through the same insert the API's writer uses
 * (`insertAuditEntry`), in the transaction of the action itself: an action
 * and its entry commit together, never one without the other.
 */
import { hostname, userInfo } from "node:os";
import { type Db, insertAuditEntry } from "@herald/db";
import { newId } from "@herald/ids";

/** Who ran a CLI: the OS user and host, as `user@host`. */
export interface CliActor {
  via: "cli";
  /** `user@host`: what `GET /v1/audit-log?actorId=` takes. */
  id: string;
  /** `user@host (npm run keys)`. */
  name: string;
}

/** The OS user running this process; a container without a passwd entry for it has only `$USER` or the uid. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? "?"}`;
  }
}

export function cliActor(command: "keys" | "admin"): CliActor {
  const id = `${osUser()}@${hostname()}`;
  return { via: "cli", id, name: `${id} (npm run ${command})` };
}

/** What one CLI action did, for its entry. */
export interface CliAction {
  /** The API's name for the same action: `api_key.create`, `dashboard_account.update`… */
  action: string;
  target: { type: string; id: string } | null;
  /** The status the API answers for the same action (201 for a create, else 200). */
  status: number;
  /** As the API records them: ids, scopes, roles, never a secret or password. */
  details: Record<string, unknown>;
}

/**
 * Records `action`, done by `actor`, on `db` (pass the action's transaction).
 * One request id per CLI run, so the entries of one run can be told apart
 * from another's by the same user.
 */
export function recordCliAction(
  db: Db,
  actor: CliActor,
  requestId: string,
  action: CliAction,
): Promise<string> {
  return insertAuditEntry(db, {
    at: new Date(),
    actor,
    action: action.action,
    target: action.target,
    outcome: "success",
    status: action.status,
    requestId,
    clientIp: null,
    details: action.details,
  });
}

/** A request id for one CLI run (`req_…`, like the API's). */
export const cliRunId = (): string => newId("req");
