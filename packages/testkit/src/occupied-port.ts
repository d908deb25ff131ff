import { once } from "node:events";
import { createServer } from "node:net";
import { freePort } from "@herald/devstack";

export interface OccupiedPort {
  port: number;
  close(): void;
}

/** A free port taken by a listener that does nothing, for "port in use" start-up checks. */
export async function occupiedPort(host = "127.0.0.1"): Promise<OccupiedPort> {
  const port = await freePort();
  const squatter = createServer().listen(port, host);
  await once(squatter, "listening");
  return { port, close: () => squatter.close() };
}

/**
 * A loopback port nothing listens on: a connection there is refused (a
 * provider or Redis that is down). Picked free and released, so another
 * process could take it meanwhile; good enough for a test's "refused".
 */
export const closedPort = (): Promise<number> => freePort();
