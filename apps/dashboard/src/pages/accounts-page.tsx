import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { ACCOUNTS_QUERY } from "../components/account-actions.ts";
import { ACCOUNT_COLUMNS, AccountRow } from "../components/account-row.tsx";
import { AddAccountForm } from "../components/add-account-form.tsx";
import { AdminsOnly } from "../components/admins-only.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { Empty, QueryView } from "../components/states.tsx";

const TITLE = "Accounts";

/**
 * The dashboard's accounts, for admins: who may sign in and as what, with
 * "Add account" and, per account, a role change, disabling or enabling and a
 * new password. Support staff opening it get a page saying it is for admins
 * (the API would answer 403): the list is not even asked for.
 */
export function AccountsPage() {
  const { isAdmin } = useAuth();
  if (!isAdmin) {
    return (
      <AdminsOnly title={TITLE}>
        Dashboard accounts are managed by admins. Ask one to add an account, change a role or set a new
        password.
      </AdminsOnly>
    );
  }
  return <AdminAccounts />;
}

function AdminAccounts() {
  const { session } = useAuth();
  const [adding, setAdding] = useState(false);
  const accounts = useQuery({
    queryKey: ACCOUNTS_QUERY,
    queryFn: () => unwrap(api.GET("/v1/dashboard/accounts")),
  });
  return (
    <>
      <PageHeader
        title={TITLE}
        subtitle="Who can sign in to this dashboard, and as what. Any change to an account signs it out everywhere."
        actions={
          adding ? undefined : (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
              Add account
            </button>
          )
        }
      />
      {adding && (
        <Card title="Add account" className="account-add">
          <AddAccountForm onDone={() => setAdding(false)} />
        </Card>
      )}
      <Card className="flush">
        <QueryView
          query={accounts}
          isEmpty={(a) => a.data.length === 0}
          empty={<Empty title="No accounts">Add one with “Add account”.</Empty>}
        >
          {({ data }) => (
            <div className="table-wrap">
              <table className="table stack accounts-table">
                <thead>
                  <tr>
                    {ACCOUNT_COLUMNS.map((c) => (
                      <th key={c} className={c === "Created" ? "col-created" : undefined}>
                        {c}
                      </th>
                    ))}
                    <th className="actions-col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((a) => (
                    <AccountRow key={a.id} account={a} ownId={session.user.id} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </Card>
    </>
  );
}
