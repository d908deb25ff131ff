import { request as httpRequest } from "node:http";
import { type Agent, request as httpsRequest } from "node:https";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Used for https: URLs (extra trusted CAs). */
  agent?: Agent | undefined;
}

/**
 * A plain HTTP(S) call with a hard timeout. Node's own client rather than
 * fetch, so a provider connection can carry an agent with extra trusted CAs.
 * Rejects only when no answer came (connection error, timeout).
 */
export function sendHttp(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const call = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = call(
      target,
      {
        method: options.method ?? "GET",
        headers: {
          ...(options.body !== undefined
            ? { "content-length": String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
        ...(target.protocol === "https:" && options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs, () => {
      const err = new Error(`no answer within ${options.timeoutMs} ms`) as Error & { code: string };
      err.code = "timeout";
      req.destroy(err);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
