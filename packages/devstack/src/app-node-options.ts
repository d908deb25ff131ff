/** The deployables whose node flags Herald's launchers set. */
export type HeraldApp = "api" | "worker";

/**
 * Node flags each app runs with unless `API_NODE_OPTIONS` / `WORKER_NODE_OPTIONS`
 * say otherwise: `npm start`, `docker-compose.yml` and `npm run bench` all use
 * these defaults. Without a heap cap V8 sizes the heap for the machine (GBs
 * here) and lets RSS grow with garbage it has not collected yet: a busy
 * worker reached 400+ MB in the 100,000-recipient fan-out (~260 MB with
 * 128 MB), and the API, parsing 1,000-event batch bodies, went from 163 to
 * 221 MB over 1,000,000 notifications while with a cap it stayed flat. The
 * API's cap leaves room for several 8 MB batch bodies parsed at once.
 */
export const DEFAULT_NODE_OPTIONS: Record<HeraldApp, string> = {
  api: "--max-old-space-size=192",
  worker: "--max-old-space-size=128",
};

/** `NODE_OPTIONS` for an app's process: the caller's own, then the app's flags. */
export function appNodeOptions(app: HeraldApp, env: Record<string, string | undefined>): string {
  const own = env.NODE_OPTIONS?.trim();
  const flags = env[`${app.toUpperCase()}_NODE_OPTIONS`] ?? DEFAULT_NODE_OPTIONS[app];
  return [own, flags].filter(Boolean).join(" ");
}
