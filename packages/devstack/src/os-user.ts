import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, cpSync, existsSync, mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";

export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. When we are root (containers, CI) the
 * server runs as the `postgres` user, created if the machine has none.
 */
export function postgresRunAs(): RunAs | undefined {
  if (userInfo().uid !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return lookup();
  }
}

function reachable(owner: RunAs, path: string): boolean {
  return spawnSync("test", ["-x", path], { uid: owner.uid, gid: owner.gid }).status === 0;
}

// Root's checkouts often live where other users cannot reach (/root is 0700,
// `mktemp -d` is 0700). There, the server's binaries and data go under
// /var/tmp/herald-postgres instead, where the postgres user can reach them.
const SHARED = "/var/tmp/herald-postgres";

/** The binaries directory (`…/native`) as the postgres user can execute it. */
export function reachableBinaries(owner: RunAs | undefined, nativeDir: string, version: string): string {
  if (!owner || reachable(owner, join(nativeDir, "bin", "postgres"))) return nativeDir;
  const copy = join(SHARED, `bin-${version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    mkdirSync(SHARED, { recursive: true, mode: 0o755 });
    const staging = `${copy}.${process.pid}`;
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    try {
      execFileSync("mv", ["-T", staging, copy]);
    } catch {
      // another process won the race; its copy is as good as ours
    }
  }
  return copy;
}

/** Where {@link reachableDataDir} keeps `dataDir`'s cluster when the postgres user cannot reach it (for clean-up). */
export function standInDataDir(dataDir: string): string {
  return join(SHARED, `data-${createHash("sha1").update(dataDir).digest("hex").slice(0, 16)}`);
}

/** `dataDir`, or a stable stand-in under /var/tmp when the postgres user cannot reach its parent. */
export function reachableDataDir(owner: RunAs | undefined, dataDir: string): string {
  if (!owner) return dataDir;
  mkdirSync(dirname(dataDir), { recursive: true });
  if (reachable(owner, dirname(dataDir))) return dataDir;
  const stand = standInDataDir(dataDir);
  mkdirSync(SHARED, { recursive: true, mode: 0o755 });
  mkdirSync(stand, { recursive: true, mode: 0o700 });
  chownSync(stand, owner.uid, owner.gid);
  return stand;
}
