import * as http from "node:http";
import * as https from "node:https";
import type { RequestAgents } from "./request-agents.ts";

export interface SendOptions {
  headers: Record<string, string>;
  body: string;
  /** The whole exchange: connecting, sending and the answer's status line and headers. */
  timeoutMs: number;
  agents: RequestAgents["agents"];
}

/**
 * POSTs `body` to an `http:` or `https:` `url` and resolves with the
 * answer's status as soon as its headers are in; rejects with the
 * connection's error (`code` ECONNREFUSED…), a timeout's, or a bad URL's.
 * The answer's body is drained unread, so a kept-alive connection can serve
 * again, and cut at the same deadline. Redirects are not followed.
 */
export function sendRequest(url: string, options: SendOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    // A throw in here (an invalid URL) rejects the promise.
    const target = new URL(url);
    const body = Buffer.from(options.body);
    const init = {
      method: "POST",
      headers: { ...options.headers, "content-length": String(body.length) },
    };
    let req: http.ClientRequest;
    if (target.protocol === "https:") req = https.request(target, { ...init, agent: options.agents?.https });
    else if (target.protocol === "http:")
      req = http.request(target, { ...init, agent: options.agents?.http });
    else return reject(new Error(`unsupported protocol ${target.protocol}`));

    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    timer.unref();
    req.on("error", (err) => {
      clearTimeout(timer);
      // After the answer's headers this is the drain being cut: the status stands.
      reject(err);
    });
    req.on("response", (res) => {
      res.on("error", () => {});
      res.on("close", () => clearTimeout(timer));
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.end(body);
  });
}
