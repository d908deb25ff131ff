import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { ago, when } from "../format.ts";
import {
  ACCOUNTS_QUERY,
  ACTION_LABEL,
  type Account,
  accountActions,
  accountChange,
  confirmQuestion,
  doneText,
  type OneClickAction,
} from "./account-actions.ts";
import { AccountPasswordForm } from "./account-password-form.tsx";
import { Badge } from "./status-badge.tsx";
import { useToast } from "./toast.tsx";

/** The table's columns, also the labels a phone shows before each value. */
export const ACCOUNT_COLUMNS = ["E-mail", "Role", "Status", "Last sign-in", "Created"] as const;

/** A time in a cell: how long ago, the exact time on hover. */
function Time({ iso, none }: { iso: string | null; none: string }) {
  if (!iso) return <span className="muted">{none}</span>;
  return (
    <span className="nowrap" title={when(iso)}>
      {ago(iso)}
    </span>
  );
}

/**
 * One account of the accounts table, with its actions (see
 * {@link accountActions}): each asks first, then changes the account with
 * `PATCH /v1/dashboard/accounts/{accountId}`. A refusal (a 409: the last
 * enabled admin, one's own account) is the API's message in a toast.
 * "Set password" opens a form in a row of its own under this one.
 */
export function AccountRow({ account, ownId }: { account: Account; ownId: string }) {
  const own = account.id === ownId;
  const [settingPassword, setSettingPassword] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  const change = useMutation({
    mutationFn: (action: OneClickAction) =>
      unwrap(
        api.PATCH("/v1/dashboard/accounts/{accountId}", {
          params: { path: { accountId: account.id } },
          body: accountChange(action),
        }),
      ),
    onSuccess: (_, action) => toast("ok", doneText(action, account, own)),
    onError: (e) => toast("bad", e.message),
    // Also after a refusal: another admin may have changed the account meanwhile.
    onSettled: () => client.invalidateQueries({ queryKey: ACCOUNTS_QUERY }),
  });
  const act = (action: OneClickAction) => {
    if (window.confirm(confirmQuestion(action, account, own))) change.mutate(action);
  };
  const disabled = account.disabledAt !== null;
  const [email, role, status, lastSignIn, created] = ACCOUNT_COLUMNS;
  return (
    <>
      <tr data-account-email={account.email} className={disabled ? "account-disabled" : ""}>
        <td data-label={email}>
          <span className="account-email">
            <span className="account-email-text">{account.email}</span>
            {own && <Badge tone="info">you</Badge>}
          </span>
        </td>
        <td data-label={role}>
          <Badge tone={account.role === "admin" ? "warn" : "muted"}>{account.role}</Badge>
        </td>
        <td data-label={status} data-status={disabled ? "disabled" : "active"}>
          {disabled ? (
            <span title={`Since ${when(account.disabledAt)}`}>
              <Badge tone="bad">disabled</Badge>
            </span>
          ) : (
            <Badge tone="ok">active</Badge>
          )}
        </td>
        <td data-label={lastSignIn}>
          <Time iso={account.lastLoginAt} none="never" />
        </td>
        <td data-label={created} className="col-created">
          <Time iso={account.createdAt} none="—" />
        </td>
        <td className="actions-col" data-label="">
          <div className="account-actions">
            {accountActions(account, ownId).map((action) => (
              <button
                key={action}
                type="button"
                className={`btn btn-sm ${action === "disable" ? "btn-danger" : ""}`}
                disabled={change.isPending || (action === "password" && settingPassword)}
                onClick={() => (action === "password" ? setSettingPassword(true) : act(action))}
              >
                {ACTION_LABEL[action]}
                <span className="sr-only"> {own ? "your account" : account.email}</span>
              </button>
            ))}
          </div>
        </td>
      </tr>
      {settingPassword && (
        <tr className="account-password-row">
          <td colSpan={ACCOUNT_COLUMNS.length + 1}>
            <AccountPasswordForm account={account} own={own} onDone={() => setSettingPassword(false)} />
          </td>
        </tr>
      )}
    </>
  );
}
