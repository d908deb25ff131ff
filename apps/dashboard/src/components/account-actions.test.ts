import { describe, expect, it } from "vitest";
import {
  type Account,
  accountActions,
  accountChange,
  confirmQuestion,
  doneText,
  type OneClickAction,
} from "./account-actions.ts";

const account = (over: Partial<Account> = {}): Account => ({
  id: "adm_lin",
  email: "lin@example.com",
  role: "support",
  createdAt: "2026-11-20T09:00:00.000Z",
  lastLoginAt: null,
  disabledAt: null,
  ...over,
});
const ME = "adm_me";

describe("accountActions", () => {
  it("offers support staff a promotion, disabling and a new password", () => {
    expect(accountActions(account(), ME)).toEqual(["promote", "disable", "password"]);
  });

  it("offers another admin a demotion instead, and a disabled account enabling instead", () => {
    expect(accountActions(account({ role: "admin" }), ME)).toEqual(["demote", "disable", "password"]);
    expect(accountActions(account({ disabledAt: "2026-11-21T10:00:00.000Z" }), ME)).toEqual([
      "promote",
      "enable",
      "password",
    ]);
  });

  it("offers the signed-in admin's own row only a new password: no demotion, no disabling", () => {
    expect(accountActions(account({ id: ME, role: "admin" }), ME)).toEqual(["password"]);
  });
});

describe("accountChange", () => {
  it("is the PATCH body of each one-click action", () => {
    const bodies = Object.fromEntries(
      (["promote", "demote", "disable", "enable"] as OneClickAction[]).map((a) => [a, accountChange(a)]),
    );
    expect(bodies).toEqual({
      promote: { role: "admin" },
      demote: { role: "support" },
      disable: { disabled: true },
      enable: { disabled: false },
    });
  });
});

describe("confirmQuestion", () => {
  it("says that disabling signs the account out at once, and names it", () => {
    const q = confirmQuestion("disable", account(), false);
    expect(q).toContain("lin@example.com");
    expect(q).toMatch(/signed out at once/);
  });

  it("says that a role change or a new password signs the account out", () => {
    for (const action of ["promote", "demote", "password"] as const) {
      expect(confirmQuestion(action, account(), false)).toMatch(
        /signs (lin@example\.com|them) out everywhere/,
      );
    }
  });

  it("warns that a new password for one's own account signs this browser out too", () => {
    const q = confirmQuestion("password", account({ id: ME, role: "admin" }), true);
    expect(q).toMatch(/signs you out everywhere, this browser included/);
    expect(q).not.toContain("lin@example.com");
  });
});

describe("doneText", () => {
  it("tells one's own new password apart: sign in again with it", () => {
    expect(doneText("password", account(), false)).toBe("New password set for lin@example.com");
    expect(doneText("password", account({ id: ME }), true)).toBe("Password set: sign in again with it");
    expect(doneText("disable", account(), false)).toBe("lin@example.com is disabled and signed out");
  });
});
