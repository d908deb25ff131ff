/** An operation as `/openapi.json` holds it (only what this file reads). */
interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/**
 * Routes declare the shared error answers (`commonErrors`) whatever their
 * inputs; the document keeps only those a route's inputs make possible: a
 * 413 or 415 needs a request body, a 422 a body or a parameter to fail
 * validation. Changes `document` in place and returns it.
 */
export function fitErrorResponses<D extends { paths?: Record<string, unknown> }>(document: D): D {
  for (const item of Object.values(document.paths ?? {}) as Record<string, Operation | undefined>[]) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.responses) continue;
      if (op.requestBody) continue;
      delete op.responses["413"];
      delete op.responses["415"];
      if (!op.parameters?.length) delete op.responses["422"];
    }
  }
  return document;
}
