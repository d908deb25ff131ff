import type { ApiKeyRow } from "@herald/db";
import type { OpenAPIHono } from "@hono/zod-openapi";

/** Per-request values set by middleware. */
export interface HonoEnv {
  Variables: {
    requestId: string;
    apiKey: ApiKeyRow;
  };
}

export type App = OpenAPIHono<HonoEnv>;
