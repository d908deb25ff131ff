import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { type Herald, launchChromium, startHerald } from "../harness/index.ts";

/**
 * @herald/inbox and @herald/inbox-react bundled into an app page on its own
 * origin (`inbox-kit/page.tsx`), against a real API and worker, in Chromium;
 * shared by the `inbox-kit*.test.ts` files, each starting its own.
 */
export interface InboxKitApp {
  herald: Herald;
  /** How the app's backend answers `/token` for a user; default: a token living an hour. */
  tokenPlans: Map<string, () => Promise<string>>;
  issuedToken(userId: string): Promise<string>;
  /** A token expiring in `ms` (the API issues 1 minute at least; the format is documented, the secret ours). */
  shortToken(userId: string, ms: number): string;
  /** The app page for a user; `before` sees the tab before it loads (routes, listeners). */
  openApp(userId: string, params?: Record<string, string>, before?: (tab: Page) => void): Promise<Page>;
  /**
   * Herald's API through the app's own server (pass it as the page's `api`),
   * where {@link InboxKitApp.cutStreams} can drop the inbox streams.
   */
  proxiedApi: string;
  /**
   * Drops every inbox stream going through {@link InboxKitApp.proxiedApi},
   * as a network outage would, and holds the browser's reconnections until
   * the returned function is called.
   */
  cutStreams(): () => void;
  close(): Promise<void>;
}

const SECRET = "inbox-kit-test-secret-0123456789abcdef";

/** Variables given to both the API and the workers on top of the kit's own (e.g. `OPT_IN_CATEGORIES`). Default none. */
export async function startInboxKitApp(env: Record<string, string> = {}): Promise<InboxKitApp> {
  const [herald, bundle] = await Promise.all([
    startHerald({
      workerEnv: { WORKER_CHANNELS: "events,in_app", ...env },
      apiEnv: { USER_TOKEN_SECRET: SECRET, ...env },
    }),
    build({
      entryPoints: [new URL("./inbox-kit/page.tsx", import.meta.url).pathname],
      bundle: true,
      write: false,
      format: "esm",
      jsx: "automatic",
      target: "es2022",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
    }),
  ]);
  const js = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title></head>
<body><header style="display:flex;justify-content:flex-end"><div id="root"></div></header>
<script type="module" src="/page.js"></script></body></html>`;
  const tokenPlans = new Map<string, () => Promise<string>>();

  async function issuedToken(userId: string): Promise<string> {
    const res = await herald.call("GET", `/v1/users/${userId}/token?expiresIn=1h`);
    expect(res.status).toBe(200);
    return res.body.token;
  }

  const streams = new Set<ServerResponse>();
  let held: (() => void)[] | null = null;
  /** `/herald/...` forwarded to the API as it is; the inbox streams tracked, or held while cut. */
  function proxy(req: IncomingMessage, res: ServerResponse, path: string) {
    if (path.endsWith("/inbox/stream") && held) {
      held.push(() => proxy(req, res, path));
      return;
    }
    const target = new URL(req.url!.slice("/herald".length), herald.url);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    if (path.endsWith("/inbox/stream")) {
      streams.add(res);
      res.on("close", () => {
        streams.delete(res);
        upstream.destroy();
      });
    }
    req.pipe(upstream);
  }

  const app = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://app");
    if (url.pathname.startsWith("/herald/")) return proxy(req, res, url.pathname);
    if (url.pathname === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(js);
    }
    if (url.pathname === "/token") {
      const user = url.searchParams.get("user")!;
      (tokenPlans.get(user) ?? (() => issuedToken(user)))().then(
        (token) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ token }));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
  const browser: Browser = await launchChromium();

  return {
    herald,
    tokenPlans,
    issuedToken,
    shortToken(userId, ms) {
      const issued = String(Date.now());
      const expires = String(Date.now() + ms);
      const mac = createHmac("sha256", SECRET).update(`v2\n${issued}\n${expires}\n${userId}`).digest("hex");
      return `v2.${issued}.${expires}.${mac}`;
    },
    async openApp(userId, params = {}, before = () => {}) {
      const tab = await browser.newPage();
      // Below the test's 30 s: a wait that never ends fails naming what it waited for.
      tab.setDefaultTimeout(12_000);
      before(tab);
      await tab.goto(`${appUrl}?${new URLSearchParams({ api: herald.url, user: userId, ...params })}`);
      return tab;
    },
    proxiedApi: `${appUrl}herald`,
    cutStreams() {
      const waiting: (() => void)[] = [];
      held = waiting;
      for (const res of [...streams]) res.destroy();
      return () => {
        if (held === waiting) held = null;
        for (const resume of waiting.splice(0)) resume();
      };
    },
    async close() {
      await browser?.close();
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
      await herald?.close();
    },
  };
}
