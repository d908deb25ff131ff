import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client.ts";
import { accountFieldOf, accountFormErrors, TAKEN_EMAIL } from "./account-form-errors.ts";

const invalid = (...details: { path: string; message: string }[]) =>
  new ApiError(422, "validation_failed", details.map((d) => `${d.path}: ${d.message}`).join("; "), details);

describe("accountFieldOf", () => {
  it("names the form field of a 422 detail's path, or the form itself", () => {
    expect(accountFieldOf("password")).toBe("password");
    expect(accountFieldOf("email")).toBe("email");
    expect(accountFieldOf("role")).toBe("role");
    expect(accountFieldOf("(body)")).toBe("form");
    expect(accountFieldOf("emailAddress")).toBe("form");
  });
});

describe("accountFormErrors", () => {
  it("puts each 422 detail next to its field, the first one for a field winning", () => {
    const e = invalid(
      { path: "password", message: "must be at least 12 characters" },
      { path: "email", message: "Invalid email address" },
      { path: "password", message: "a second complaint" },
    );
    expect(accountFormErrors(e, "add")).toEqual({
      password: "must be at least 12 characters",
      email: "Invalid email address",
    });
  });

  it("keeps a 422 detail that names no field for the form", () => {
    const e = invalid({ path: "(body)", message: "name at least one of role, disabled, password" });
    expect(accountFormErrors(e, "change")).toEqual({ form: "name at least one of role, disabled, password" });
  });

  it("makes a 409 when adding the e-mail's error, and keeps the API's words for the form", () => {
    const e = new ApiError(409, "conflict", "An account with the e-mail lin@example.com exists.");
    expect(accountFormErrors(e, "add")).toEqual({
      email: TAKEN_EMAIL,
      form: "An account with the e-mail lin@example.com exists.",
    });
    expect(accountFormErrors(e, "change")).toEqual({
      form: "An account with the e-mail lin@example.com exists.",
    });
  });

  it("asks to sign in again when the session ended, and passes any other failure on", () => {
    expect(accountFormErrors(new ApiError(401, "unauthorized", "no session"), "add").form).toMatch(
      /session ended.*Sign in again/,
    );
    expect(accountFormErrors(new ApiError(0, "network", "Herald did not answer."), "change")).toEqual({
      form: "Herald did not answer.",
    });
    expect(accountFormErrors(new Error("boom"), "add")).toEqual({ form: "boom" });
  });
});
