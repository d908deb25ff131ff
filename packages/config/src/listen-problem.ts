/** Which listener failed, and the variables that set its address. */
export interface ListenTarget {
  /** What is listening, as the message names it: "herald api", "herald worker's health server". */
  what: string;
  host: string;
  port: number;
  /** The variable that sets the port (`PORT`, `WORKER_HEALTH_PORT`). */
  portVar: string;
  /** The variable that sets the host (`HOST`, `WORKER_HEALTH_HOST`). */
  hostVar: string;
}

/**
 * What to fix when a server cannot listen because of its configuration (port
 * taken, privileged port, host not of this machine); undefined for any other
 * error. Restarting would meet the same wall, so the apps exit 78 (EX_CONFIG)
 * with this line and `npm start` does not restart them.
 */
export function listenProblem(err: NodeJS.ErrnoException, t: ListenTarget): string | undefined {
  const where = `${t.host}:${t.port}`;
  switch (err.code) {
    case "EADDRINUSE":
      return `${t.what}: port ${t.port} is already in use (${where}): stop what listens there, or set ${t.portVar} to a free port`;
    case "EACCES":
      return `${t.what}: no permission to listen on ${where}: set ${t.portVar} to 1024 or above`;
    case "EADDRNOTAVAIL":
      return `${t.what}: ${t.hostVar} ${t.host} is not an address of this machine`;
    default:
      return undefined;
  }
}
