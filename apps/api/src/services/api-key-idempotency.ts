import { createHash } from "node:crypto";
import { claimApiKeyReplay, type Db, fillApiKeyReplay } from "@herald/db";
import { canonicalJson } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import type { ReplayCipher } from "./api-key-replay-cipher.ts";

/** How long a create's or rotate's first answer is kept for repeats: a day, as for events. */
export const API_KEY_REPLAY_TTL_MS = 24 * 3_600_000;

/** One create or rotate, as far as idempotency goes. */
export interface KeyRequest {
  /** The API key's or dashboard account's id: keys are per caller, another caller's same key is not a repeat. */
  callerId: string;
  /** The `Idempotency-Key` header; without one, every request makes a key. */
  idempotencyKey: string | undefined;
  /** What makes two requests the same: the operation, its path parameter and its validated body. */
  request: Record<string, unknown>;
  /** Now, by the API's clock (`ApiDeps.clock`). */
  now: Date;
}

/** The answer to send, and whether it is a stored first answer. */
export interface KeyAnswer<B> {
  status: number;
  body: B;
  replay: boolean;
}

const CHANGED =
  "This Idempotency-Key was used within the last 24 h for a different request (another operation, key or body): use a new Idempotency-Key for a new request.";

/**
 * Runs `make` (a create or rotate answering 201 with the new key and its
 * secret) at most once per caller and `Idempotency-Key` within 24 h. The
 * claim, the work and the sealed answer share one transaction: a repeat
 * waiting on the claim finds the committed answer, or claims the key itself
 * when the first request failed (nothing of a failed request is kept, so a
 * 404 or 409 is answered afresh).
 */
export async function answerOnce<B extends { id: string }>(
  db: Db,
  cipher: ReplayCipher,
  req: KeyRequest,
  make: (tx: Db) => Promise<B>,
): Promise<KeyAnswer<B>> {
  const idempotencyKey = req.idempotencyKey;
  if (idempotencyKey === undefined) return { status: 201, body: await make(db), replay: false };
  const row = { callerId: req.callerId, idempotencyKey };
  const requestHash = createHash("sha256").update(canonicalJson(req.request)).digest("hex");
  return db.transaction(async (t): Promise<KeyAnswer<B>> => {
    const tx = t as unknown as Db;
    const claim = await claimApiKeyReplay(tx, {
      ...row,
      requestHash,
      now: req.now,
      expiresAt: new Date(req.now.getTime() + API_KEY_REPLAY_TTL_MS),
    });
    if (claim.outcome === "claimed") {
      const body = await make(tx);
      const answer = cipher.seal(JSON.stringify(body), row);
      await fillApiKeyReplay(tx, row, { keyId: body.id, status: 201, answer });
      return { status: 201, body, replay: false };
    }
    const seen = claim.row;
    if (seen.requestHash !== requestHash) throw new HeraldError("idempotency_conflict", CHANGED);
    const plain = seen.answer ? cipher.open(seen.answer, row) : null;
    if (plain === null)
      throw new HeraldError(
        "idempotency_conflict",
        `This Idempotency-Key's first answer (key ${seen.keyId}) can no longer be read: the server's TRACKING_SECRET changed since. If you never received that key's secret, revoke ${seen.keyId}; use a new Idempotency-Key to make another.`,
      );
    return { status: seen.status ?? 201, body: JSON.parse(plain) as B, replay: true };
  });
}
