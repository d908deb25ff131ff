/** One Server-Sent Event as a browser's EventSource would dispatch it. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
  /** `performance.now()` when it was parsed. */
  at: number;
  /** Wall-clock time it was parsed (to compare with server timestamps on this machine). */
  receivedAt: number;
}

export interface SseClient {
  readonly status: number;
  readonly events: SseEvent[];
  /** Resolves with the first event (already received or future) matching `predicate`. */
  waitFor(predicate: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** The id of the last event that carried one (what EventSource sends back as Last-Event-ID). */
  lastEventId(): string | undefined;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A minimal EventSource for Node tests: fetches `url`, parses the stream
 * (event/data/id fields, comment lines ignored) and records every event.
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters: { predicate: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  let lastId: string | undefined;
  let markEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });

  const dispatch = (e: SseEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.predicate(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };

  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      let event = "message";
      let data: string[] = [];
      let id: string | undefined;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let nl = buffer.indexOf("\n");
          while (nl >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, "");
            buffer = buffer.slice(nl + 1);
            if (line === "") {
              if (id !== undefined) lastId = id;
              if (data.length > 0 || id !== undefined) {
                dispatch({ event, data: data.join("\n"), id, at: performance.now(), receivedAt: Date.now() });
              }
              event = "message";
              data = [];
              id = undefined;
            } else if (!line.startsWith(":")) {
              const colon = line.indexOf(":");
              const field = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
              if (field === "event") event = value;
              else if (field === "data") data.push(value);
              else if (field === "id") id = value;
            }
            nl = buffer.indexOf("\n");
          }
        }
      } catch {
        // aborted by close()
      }
      markEnded();
    })();
  }

  return {
    status: res.status,
    events,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: SseEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `no matching SSE event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(",")}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    lastEventId: () => lastId,
    ended,
    close: () => controller.abort(),
  };
}
