import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mayHaveReachedServer, traceRequests } from "./request-trace.ts";

let server: Server;
let url: string;
let closedPortUrl: string;

const listening = (s: Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  // Answers /fast at once and never answers /never.
  server = createServer((req, res) => {
    if (req.url === "/fast") res.end("ok");
  });
  url = `http://127.0.0.1:${await listening(server)}`;
  const gone = createServer();
  closedPortUrl = `http://127.0.0.1:${await listening(gone)}`;
  await new Promise((r) => gone.close(r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const post = (target: string, signal?: AbortSignal) =>
  fetch(target, { method: "POST", body: "{}", ...(signal ? { signal } : {}) }).then(
    async (r) => r.text(),
    (e: unknown) => e as Error,
  );

describe("traceRequests", () => {
  it("sees a refused connection as a request never written: provably not received", async () => {
    const { value, trace } = await traceRequests(() => post(`${closedPortUrl}/x`));
    expect(value).toBeInstanceOf(Error);
    expect(trace).toEqual({ dispatched: true, written: false });
    expect(mayHaveReachedServer(trace)).toBe(false);
  });

  it("sees an answered request, and one that timed out waiting for its answer, as written", async () => {
    const answered = await traceRequests(() => post(`${url}/fast`));
    expect(answered.value).toBe("ok");
    expect(answered.trace).toEqual({ dispatched: true, written: true });

    // Given up once the server has the request (a fixed timeout could fire before a loaded machine
    // even connected, which is the refused case's "never written").
    const giveUp = new AbortController();
    server.once("request", () => giveUp.abort(new DOMException("no answer", "TimeoutError")));
    const timedOut = await traceRequests(() => post(`${url}/never`, giveUp.signal));
    expect((timedOut.value as Error).name).toBe("TimeoutError");
    expect(mayHaveReachedServer(timedOut.trace)).toBe(true);
  });

  it("keeps concurrent calls apart, and says 'may have' when it saw no request at all", async () => {
    const [refused, answered] = await Promise.all([
      traceRequests(() => post(`${closedPortUrl}/x`)),
      traceRequests(() => post(`${url}/fast`)),
    ]);
    expect([refused.trace.written, answered.trace.written]).toEqual([false, true]);
    const nothing = await traceRequests(async () => "no request");
    expect(mayHaveReachedServer(nothing.trace)).toBe(true);
  });
});
