import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { HonoEnv } from "../hono-env.ts";

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
type Csp = NonNullable<SecureHeadersOptions["contentSecurityPolicy"]>;

const common: Partial<SecureHeadersOptions> = {
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  xContentTypeOptions: true,
  // A handler (or a route's own security middleware) that set a header wins.
  overwrite: false,
};

/**
 * Every answer of the API: `nosniff`, `X-Frame-Options: DENY`,
 * `Referrer-Policy: no-referrer`, and a CSP that lets a JSON answer load
 * nothing and be framed by no one. HTML pages (dashboard, docs) register
 * {@link htmlSecurityHeaders} on their own paths, which take precedence.
 */
export function apiSecurityHeaders(): MiddlewareHandler<HonoEnv> {
  const api = { ...common, contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } };
  const strict = secureHeaders(api);
  // E-mail tracking pixels and links (`/t/…`) are loaded by webmail pages on other sites.
  const tracking = secureHeaders({ ...api, crossOriginResourcePolicy: "cross-origin" });
  return (c, next) => (c.req.path.startsWith("/t/") ? tracking(c, next) : strict(c, next));
}

/**
 * Our own HTML pages (dashboard, API docs): only their own scripts, no plugins,
 * no being framed, no foreign form targets. Inline styles are allowed: rendered
 * e-mails (outbox previews) and Swagger UI carry them.
 */
export const SELF_ONLY_CSP: Csp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", "data:"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The dashboard's policy: SELF_ONLY_CSP, plus its own e-mail preview frames. */
export const DASHBOARD_CSP: Csp = { ...SELF_ONLY_CSP, frameSrc: ["'self'"] };

/** Security headers for an HTML page with its own CSP (dashboard, `/docs`, Bull Board…). */
export function htmlSecurityHeaders(csp: Csp = DASHBOARD_CSP): MiddlewareHandler<HonoEnv> {
  return secureHeaders({ ...common, contentSecurityPolicy: csp });
}
