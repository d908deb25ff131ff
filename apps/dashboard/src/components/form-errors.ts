import { ApiError } from "../api/client.ts";

/** By field name, and `form` for what belongs to no field: what `FieldError` shows. */
export type FormErrors = Record<string, string>;

/** The one of `fields` a 422 detail's path names (`email`, `phone.0`…), or `form`. */
export function fieldOfPath<F extends string>(fields: readonly F[], path: string): F | "form" {
  return fields.find((f) => path === f || path.startsWith(`${f}.`)) ?? "form";
}

/**
 * Why a form was not saved, for the dashboard's forms: a 422's details next
 * to the fields `fieldOf` maps their paths to (the first for a field wins);
 * a session that ended asks to sign in again and `saveAgain` (what to press),
 * since the sign-in dialog opens over the page and what was typed stays in
 * the form; anything else as the form's error.
 */
export function formErrorsOf(error: Error, fieldOf: (path: string) => string, saveAgain: string): FormErrors {
  if (!(error instanceof ApiError)) return { form: error.message };
  if (error.status === 401) {
    return {
      form: `Your session ended before this was saved. Sign in again, then ${saveAgain}: your changes are still here.`,
    };
  }
  if (error.details.length > 0) {
    const errors: FormErrors = {};
    for (const d of error.details) errors[fieldOf(d.path)] ??= d.message;
    return errors;
  }
  return { form: error.message };
}
