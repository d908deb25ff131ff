import { getNotification } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryDeadLetter } from "../src/services/dead-letters.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

async function deadLetter(userId: string, status: "DEAD" | "FAILED", reason: string) {
  const { notification } = await seedNotification(api.deps.db, userId, {
    channel: "email",
    status,
    recipient: { email: `${userId}@example.com` },
  });
  await api.db.sql`update notifications set reason = ${reason}, last_error = ${`${userId}@example.com: 503`}
    where id = ${notification.id}`;
  return notification.id;
}

const listed = async () =>
  ((await api.call("GET", "/v1/dead-letters?limit=100")).body.data as { id: string }[]).map((n) => n.id);

function expectConflict(res: { status: number; body: any }, text: RegExp) {
  expect(res.status).toBe(409);
  expect(res.body).toEqual({
    error: { code: "conflict", message: expect.stringMatching(text), requestId: expect.any(String) },
  });
}

describe("dead letters of an erased recipient", () => {
  it("are canceled by the erase: retry and discard answer 409, the list and retry-all skip them", async () => {
    const dead = await deadLetter("dl-erased", "DEAD", "retries_exhausted");
    const refused = await deadLetter("dl-erased", "FAILED", "permanent_error");
    const other = await deadLetter("dl-kept", "DEAD", "retries_exhausted");
    expect(await listed()).toEqual(expect.arrayContaining([dead, other]));

    expect((await api.call("DELETE", "/v1/users/dl-erased")).status).toBe(204);

    for (const id of [dead, refused]) {
      expect(await getNotification(api.deps.db, id)).toMatchObject({
        status: "CANCELED",
        reason: "recipient_erased",
        lastError: null,
      });
      expectConflict(await api.call("POST", `/v1/dead-letters/${id}/retry`), /CANCELED \(recipient_erased\)/);
      expectConflict(await api.call("DELETE", `/v1/dead-letters/${id}`), /CANCELED \(recipient_erased\)/);
    }
    expect(await listed()).toEqual([other]);
    const all = await api.call("POST", "/v1/dead-letters/retry", { channel: "email" });
    expect(all.body).toEqual({ retried: 1, ids: [other], more: false });
    expect((await getNotification(api.deps.db, dead))!.status).toBe("CANCELED");
    expect((await getNotification(api.deps.db, other))!.status).toBe("QUEUED");
  });

  it("left DEAD by an interrupted erase are refused and skipped until the erase is repeated", async () => {
    const dead = await deadLetter("dl-interrupted", "DEAD", "retries_exhausted");
    expect((await api.call("DELETE", "/v1/users/dl-interrupted")).status).toBe(204);
    // As if the process died after the recipient part: the row still DEAD under its old user id.
    await api.db.sql`update notifications set status = 'DEAD', reason = 'retries_exhausted',
      user_id = 'dl-interrupted' where id = ${dead}`;

    expectConflict(await api.call("POST", `/v1/dead-letters/${dead}/retry`), /erased/);
    expectConflict(await api.call("DELETE", `/v1/dead-letters/${dead}`), /erased/);
    expect(await listed()).not.toContain(dead);
    expect((await api.call("POST", "/v1/dead-letters/retry", {})).body).toEqual({
      retried: 0,
      ids: [],
      more: false,
    });
    expect((await getNotification(api.deps.db, dead))!.status).toBe("DEAD");
    expect(await api.deps.queues.get("email").getJob(dead)).toBeUndefined();

    expect((await api.call("DELETE", "/v1/users/dl-interrupted")).status).toBe(204);
    expect(await getNotification(api.deps.db, dead)).toMatchObject({
      status: "CANCELED",
      reason: "recipient_erased",
    });
  });

  it("a retry that an erase overtakes reports it was canceled, not queued", async () => {
    const dead = await deadLetter("dl-race", "DEAD", "retries_exhausted");
    const read = (await getNotification(api.deps.db, dead))!; // as the route read it, before the erase
    expect((await api.call("DELETE", "/v1/users/dl-race")).status).toBe(204);
    expect(await retryDeadLetter(api.deps, read)).toBe(false);
    expect((await getNotification(api.deps.db, dead))!.status).toBe("CANCELED");
  });
});
