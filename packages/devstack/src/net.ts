import { type AddressInfo, createServer, type Server, Socket } from "node:net";

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * `count` distinct free TCP ports. All are held open until the last is
 * picked: ports picked one after the other, each released before the next,
 * can come back twice (one CI run started PostgreSQL and "found" Redis on the
 * same port that way).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = createServer();
      srv.unref();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolve());
      });
    }
    return servers.map((srv) => (srv.address() as AddressInfo).port);
  } finally {
    await closeAll(servers);
  }
}

/** Closes the servers a port search held (those still listening). */
function closeAll(servers: Server[]): Promise<unknown> {
  return Promise.all(
    servers.map(
      (srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve())),
    ),
  );
}

function listenOn(port: number, host?: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(undefined));
    srv.listen(port, host, () => resolve(srv));
  });
}

/**
 * The first of `count` consecutive TCP ports that are all free on every
 * interface right now, for a program that takes a port and the ones after it
 * (`npm start` gives the critical-lane worker `WORKER_HEALTH_PORT + 1`). A
 * port the OS hands out can have a neighbour held by an outgoing connection.
 */
export async function freeConsecutivePorts(count: number, tries = 50): Promise<number> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const held: Server[] = [];
    try {
      const first = await listenOn(0);
      if (!first) continue;
      held.push(first);
      const base = (first.address() as AddressInfo).port;
      if (base + count - 1 > 65_535) continue;
      for (let i = 1; i < count; i++) {
        const next = await listenOn(base + i);
        if (!next) break;
        held.push(next);
      }
      if (held.length === count) return base;
    } finally {
      await closeAll(held);
    }
  }
  throw new Error(`found no ${count} consecutive free ports in ${tries} tries`);
}

export function isPortOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500);
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host);
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
