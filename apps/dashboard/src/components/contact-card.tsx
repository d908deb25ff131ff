import type { UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";
import type { UserRecord } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { when } from "../format.ts";
import { ContactForm } from "./contact-form.tsx";
import { Card } from "./page-header.tsx";
import { QueryView } from "./states.tsx";

function ContactFacts({ user: u }: { user: UserRecord }) {
  return (
    <dl className="facts">
      <div>
        <dt>E-mail</dt>
        <dd className="break">{u.email ?? "—"}</dd>
      </div>
      <div>
        <dt>Phone</dt>
        <dd>{u.phone ?? "—"}</dd>
      </div>
      <div>
        <dt>Locale</dt>
        <dd>{u.locale ?? "—"}</dd>
      </div>
      <div>
        <dt>Time zone</dt>
        <dd>{u.timezone ?? "—"}</dd>
      </div>
      {Object.entries(u.properties).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="break">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
      <div>
        <dt>Since</dt>
        <dd>{when(u.createdAt)}</dd>
      </div>
    </dl>
  );
}

/**
 * The user's contact data and properties, with an "Edit" that turns the
 * card into {@link ContactForm} for roles with `users:write`.
 */
export function ContactCard({ userId, user }: { userId: string; user: UseQueryResult<UserRecord> }) {
  const { canEditUsers } = useAuth();
  const [editing, setEditing] = useState(false);
  const edit =
    canEditUsers && user.data && !editing ? (
      <button
        type="button"
        className="btn btn-sm"
        aria-label="Edit contact data"
        onClick={() => setEditing(true)}
      >
        Edit
      </button>
    ) : null;
  return (
    <Card title="Contact" actions={edit}>
      <QueryView query={user} rows={4}>
        {(u) =>
          editing ? (
            <ContactForm userId={userId} user={u} onDone={() => setEditing(false)} />
          ) : (
            <ContactFacts user={u} />
          )
        }
      </QueryView>
    </Card>
  );
}
