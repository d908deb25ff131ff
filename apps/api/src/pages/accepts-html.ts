import type { Context } from "hono";

/** Whether the request is a browser asking for a page (its `Accept` names `text/html`), not an API client. */
export const acceptsHtml = (c: Context) => (c.req.header("accept") ?? "").includes("text/html");
