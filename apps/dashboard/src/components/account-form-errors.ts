import { ApiError } from "../api/client.ts";
import { type FormErrors, fieldOfPath, formErrorsOf } from "./form-errors.ts";

/** The fields of the account forms ("Add account", a row's new password). */
export const ACCOUNT_FIELDS = ["email", "role", "password"] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

export const TAKEN_EMAIL = "An account with this e-mail exists.";

/** The field a 422 detail's path names (`password`…), or `form` for anything else. */
export const accountFieldOf = (path: string): AccountField | "form" => fieldOfPath(ACCOUNT_FIELDS, path);

/**
 * Why an account form was not saved (see `formErrorsOf`); a 409 when adding
 * is the e-mail's, as only a taken e-mail conflicts there.
 */
export function accountFormErrors(error: Error, form: "add" | "change"): FormErrors {
  if (error instanceof ApiError && error.status === 409 && form === "add") {
    return { email: TAKEN_EMAIL, form: error.message };
  }
  return formErrorsOf(error, accountFieldOf, "save again");
}
