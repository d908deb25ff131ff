import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client.ts";
import { fieldOfPath, formErrorsOf } from "./form-errors.ts";

const FIELDS = ["email", "phone"] as const;
const fieldOf = (path: string) => fieldOfPath(FIELDS, path);

describe("formErrorsOf", () => {
  it("puts a 422's details next to their fields, the first per field, the rest on the form", () => {
    const e = new ApiError(422, "validation_failed", "2 problems", [
      { path: "phone", message: "must be E.164" },
      { path: "phone.0", message: "second" },
      { path: "email", message: "not an address" },
      { path: "properties.x", message: "elsewhere" },
    ]);
    expect(formErrorsOf(e, fieldOf, "press Save")).toEqual({
      phone: "must be E.164",
      email: "not an address",
      form: "elsewhere",
    });
  });

  it("asks to sign in again and press what saves, when the session ended", () => {
    expect(
      formErrorsOf(new ApiError(401, "unauthorized", "no session"), fieldOf, "press Save contact data"),
    ).toEqual({
      form: "Your session ended before this was saved. Sign in again, then press Save contact data: your changes are still here.",
    });
  });

  it("passes any other failure on as the form's", () => {
    expect(formErrorsOf(new ApiError(409, "conflict", "taken"), fieldOf, "x")).toEqual({ form: "taken" });
    expect(formErrorsOf(new Error("boom"), fieldOf, "x")).toEqual({ form: "boom" });
  });
});
