import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export interface DatabaseRelay {
  /** The database URL with its host and port replaced by the relay's. */
  url: string;
  /**
   * A PostgreSQL outage as its clients see it: every open connection is
   * dropped (the server rolls back what they had in progress) and new ones
   * are refused until {@link DatabaseRelay.restore}.
   */
  cut(): Promise<void>;
  /**
   * A PostgreSQL that stops answering instead (a dead network path): open
   * connections are dropped, new ones are accepted and then hear nothing,
   * so a client waits for its own timeouts.
   */
  stall(): Promise<void>;
  /** Relays connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a test database, so a test can take PostgreSQL
 * away from one pool (an API's or a worker's) in the middle of what it is
 * doing, without stopping the server that every other test file shares.
 */
export async function startDatabaseRelay(databaseUrl: string): Promise<DatabaseRelay> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let stalled = false;
  const server = createServer((client) => {
    if (stalled) {
      sockets.add(client);
      client.on("error", () => {});
      client.on("close", () => sockets.delete(client));
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  const cut = async () => {
    stalled = false;
    dropAll();
    if (server.listening) await new Promise((r) => server.close(r));
  };
  return {
    url: Object.assign(new URL(target.href), { host: `127.0.0.1:${port}` }).href,
    cut,
    async stall() {
      stalled = true;
      dropAll();
      if (!server.listening) await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    },
    async restore() {
      if (stalled) {
        stalled = false;
        dropAll();
      }
      if (!server.listening) await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    },
    close: cut,
  };
}
