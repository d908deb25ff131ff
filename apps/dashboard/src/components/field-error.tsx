/** A form field's error from the API (a 422's `details`), under the field; `data-field` names it for tests. */
export function FieldError({ errors, name }: { errors: Record<string, string>; name: string }) {
  return errors[name] ? (
    <span className="field-error" role="alert" data-field={name}>
      {errors[name]}
    </span>
  ) : null;
}
