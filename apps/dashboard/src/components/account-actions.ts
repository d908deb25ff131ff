import type { Schemas } from "../api/client.ts";

export type Account = Schemas["DashboardAccount"];
export type AccountChange = Schemas["DashboardAccountChange"];

/** The accounts list's query key: every change invalidates it. */
export const ACCOUNTS_QUERY = ["dashboard-accounts"] as const;

/** What a row of the accounts table can do to its account. */
export type AccountAction = "promote" | "demote" | "disable" | "enable" | "password";

/** The actions answered by one `PATCH` each, without anything typed. */
export type OneClickAction = Exclude<AccountAction, "password">;

/** The buttons' text; a row adds the e-mail for screen readers. */
export const ACTION_LABEL: Record<AccountAction, string> = {
  promote: "Make admin",
  demote: "Make support",
  disable: "Disable",
  enable: "Enable",
  password: "Set password",
};

/**
 * The actions a row offers, in button order. The signed-in admin's own row
 * offers neither "Make support" nor "Disable": the API refuses both (409),
 * so that another admin is always left to undo a change.
 */
export function accountActions(account: Account, ownId: string): AccountAction[] {
  const own = account.id === ownId;
  const actions: AccountAction[] = [];
  if (account.role === "support") actions.push("promote");
  else if (!own) actions.push("demote");
  if (account.disabledAt) actions.push("enable");
  else if (!own) actions.push("disable");
  actions.push("password");
  return actions;
}

/** The `PATCH /v1/dashboard/accounts/{accountId}` body of a one-click action. */
export function accountChange(action: OneClickAction): AccountChange {
  switch (action) {
    case "promote":
      return { role: "admin" };
    case "demote":
      return { role: "support" };
    case "disable":
      return { disabled: true };
    case "enable":
      return { disabled: false };
  }
}

/**
 * What to ask before an action. Every change signs the account out
 * everywhere (the API ends its sessions), so each question says so; for
 * one's own password, that this browser is signed out too.
 */
export function confirmQuestion(action: AccountAction, account: Account, own: boolean): string {
  const who = account.email;
  switch (action) {
    case "promote":
      return `Make ${who} an admin? Admins can do everything, managing accounts included. This signs ${who} out everywhere: they sign in again to get it.`;
    case "demote":
      return `Make ${who} support staff? They keep looking up users and editing contact data, but lose the admin actions. This signs ${who} out everywhere.`;
    case "disable":
      return `Disable ${who}? They are signed out at once, everywhere, and cannot sign in until an admin enables the account again.`;
    case "enable":
      return `Enable ${who}? They can sign in again with their password.`;
    case "password":
      return own
        ? "Set a new password for your own account? This signs you out everywhere, this browser included: sign in again with the new password."
        : `Set a new password for ${who}? This signs them out everywhere; tell them the new password yourself.`;
  }
}

/** The toast once an action is done. */
export function doneText(action: AccountAction, account: Account, own: boolean): string {
  const who = account.email;
  switch (action) {
    case "promote":
      return `${who} is now an admin`;
    case "demote":
      return `${who} is now support staff`;
    case "disable":
      return `${who} is disabled and signed out`;
    case "enable":
      return `${who} can sign in again`;
    case "password":
      return own ? "Password set: sign in again with it" : `New password set for ${who}`;
  }
}
