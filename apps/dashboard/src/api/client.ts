import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./openapi-types.ts";

export type Schemas = components["schemas"];
export type Notification = Schemas["Notification"];
export type NotificationDetail = Schemas["NotificationWithTimeline"];
export type Preferences = Schemas["Preferences"];
export type PreferencesUpdate = Schemas["PreferencesUpdate"];
export type Session = Schemas["DashboardSession"];
export type Overview = Schemas["DashboardOverview"];
export type UserRecord = Schemas["User"];
export type UserFields = Schemas["UserFields"];
export type TemplateEntry = Schemas["DashboardTemplates"]["data"][number];
export type OutboxMessage = Schemas["DashboardOutbox"]["data"][number];

/** An error answer of the API (`{error: {code, message, requestId, details?}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function cookie(name: string): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

/** Every state-changing call echoes the session's CSRF token (double submit). */
const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method)) {
      const token = cookie("herald_csrf");
      if (token) request.headers.set("x-csrf-token", decodeURIComponent(token));
    }
    return request;
  },
};

let onUnauthorized: () => void = () => {};
/** Called when any call answers 401: the session ended, show the sign-in page. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** The typed client: paths, parameters and bodies come from the API's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

/** Unwraps an openapi-fetch result: the data, or an {@link ApiError}. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  options: { quiet401?: boolean } = {},
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "network", "Herald did not answer. Check your connection and try again.");
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error ?? {}) as {
    error?: { code?: string; message?: string; details?: []; requestId?: string };
  };
  if (response.status === 401 && !options.quiet401) onUnauthorized();
  throw new ApiError(
    response.status,
    body.error?.code ?? "http_error",
    body.error?.message ?? `The API answered ${response.status}.`,
    body.error?.details ?? [],
    body.error?.requestId,
  );
}
