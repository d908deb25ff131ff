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
 *
 * Workers get a 32 MB young generation (V8's default is 16): a worker
 * allocates ~200 MB/s when sending e-mail, so with 16 MB it scavenged every
 * ~30 ms, before the e-mails in flight (waiting ~100 ms for the provider)
 * had died, and copied and promoted them (~3 MB a scavenge, then a
 * mark-compact every ~0.3 s). With 32 MB the 100 ms-provider bench sent
 * 2,233–2,353 e-mails/s against 1,959–2,093 (same hour, alternating), for
 * ~+35 MB of RSS. The old-space cap rises with it: V8 runs a full
 * mark-compact instead of a scavenge whenever the old space could not take a
 * semi-space's survivors, and 64 MB semi-spaces under a 192 MB cap did just
 * that (1,563/s; 2,247–2,406 with a 320 MB cap, but ~370 MB of RSS).
 */
export const DEFAULT_NODE_OPTIONS: Record<HeraldApp, string> = {
  api: "--max-old-space-size=192",
  worker: "--max-old-space-size=192 --max-semi-space-size=32",
};

/** `NODE_OPTIONS` for an app's process: the caller's own, then the app's flags. */
export function appNodeOptions(app: HeraldApp, env: Record<string, string | undefined>): string {
  const own = env.NODE_OPTIONS?.trim();
  const flags = env[`${app.toUpperCase()}_NODE_OPTIONS`] ?? DEFAULT_NODE_OPTIONS[app];
  return [own, flags].filter(Boolean).join(" ");
}
