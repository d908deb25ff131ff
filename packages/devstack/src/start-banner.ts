export interface StartBannerOptions {
  /** Where the API answers, e.g. `http://localhost:3000`. */
  base: string;
  apiKey: string;
  /**
   * Whether the key is the operator's own (`HERALD_API_KEY`) rather than the
   * dev key `npm start` generated: an operator's key is a production secret
   * that terminal scrollback, CI logs and screen shares must not show, so it
   * is shown by its kind and last four characters only.
   */
  keyFromEnv: boolean;
  /** The workers' health URLs when they have ports: the bulk's and the critical lanes'. */
  workerHealth?: { bulk: number; critical: number } | undefined;
  /** The generated dev admin to sign in as (never an operator's ADMIN_PASSWORD). */
  devAdmin?: { email: string; password: string } | undefined;
}

/** `hk_live_…wxyz`: enough to tell which key it is, nothing to use it with. */
export function maskedApiKey(key: string): string {
  const kind = /^hk_(live|test)_/.exec(key)?.[0] ?? "";
  return `${kind}…${key.slice(-4)}`;
}

/** The lines `npm start` prints once the API listens. */
export function startBanner(o: StartBannerOptions): string[] {
  const { base } = o;
  const key = o.keyFromEnv ? `${maskedApiKey(o.apiKey)}   (HERALD_API_KEY)` : o.apiKey;
  // With the operator's key the curl line names the variable, so it can still be pasted.
  const bearer = o.keyFromEnv ? "$HERALD_API_KEY" : o.apiKey;
  return [
    "",
    `Dashboard   ${base}/`,
    `API         ${base}/v1   (OpenAPI: ${base}/openapi.json)`,
    `API key     ${key}`,
    ...(o.workerHealth
      ? [
          `Workers     http://localhost:${o.workerHealth.bulk}/readyz (bulk), :${o.workerHealth.critical} (critical lanes)`,
        ]
      : []),
    ...(o.devAdmin
      ? [`Sign in     ${o.devAdmin.email} / ${o.devAdmin.password}   (more users: npm run admin -- create …)`]
      : []),
    `Try it:     curl -X POST ${base}/v1/events -H "Authorization: Bearer ${bearer}" \\`,
    `              -H "Content-Type: application/json" \\`,
    `              -d '{"type":"order_placed","userId":"ada","user":{"email":"ada@example.com"},"data":{"orderId":"A-1","total":42,"currency":"EUR","items":[{"name":"Book","quantity":1,"price":42}]}}'`,
    "",
  ];
}
