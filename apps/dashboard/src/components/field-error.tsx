import type { FormErrors } from "./form-errors.ts";

/** A form field's error from the API (a 422's `details`), under the field; `data-field` names it for tests. */
export function FieldError({ errors, name }: { errors: FormErrors; name: string }) {
  return errors[name] ? (
    <span className="field-error" role="alert" data-field={name}>
      {errors[name]}
    </span>
  ) : null;
}

/** `aria-invalid` for a field the API refused, to spread on its input. */
export const invalidProps = (errors: FormErrors, name: string) =>
  errors[name] ? { "aria-invalid": true as const } : {};

/**
 * Above a form the API refused: `title` ("Not saved"), and the form-wide
 * reason or a pointer to the fields marked below ("…and `retry` again").
 */
export function FormErrorSummary({
  errors,
  title,
  retry,
}: {
  errors: FormErrors;
  title: string;
  retry: string;
}) {
  if (Object.keys(errors).length === 0) return null;
  return (
    <div className="callout callout-bad" role="alert">
      <strong>{title}</strong>
      <span>{errors.form ?? `Fix the highlighted fields and ${retry} again.`}</span>
    </div>
  );
}
