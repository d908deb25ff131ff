/** One operation of an OpenAPI document: its path template, lower-case method and operation object. */
export interface Operation {
  path: string;
  method: string;
  op: any;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * Every operation of an OpenAPI document's `paths`, so tests that go over
 * the routes (descriptions, fuzzing, the client's coverage) check routes
 * added later without being edited.
 */
export function operations(doc: any): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );
}
