/** A form's submit and Cancel buttons, both disabled while it is being sent. */
export function FormActions({
  label,
  busyLabel,
  busy,
  onCancel,
  small = false,
}: {
  /** The submit button's text, e.g. "Add account". */
  label: string;
  /** Its text while the form is being sent, e.g. "Adding…". */
  busyLabel: string;
  busy: boolean;
  onCancel: () => void;
  /** Small buttons, for a form inside a table row. Default false. */
  small?: boolean;
}) {
  const btn = small ? "btn btn-sm" : "btn";
  return (
    <div className="form-actions">
      <button type="submit" className={`${btn} btn-primary`} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
      <button type="button" className={`${btn} btn-ghost`} onClick={onCancel} disabled={busy}>
        Cancel
      </button>
    </div>
  );
}
