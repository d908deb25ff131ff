import { createECDH } from "node:crypto";
import type { Db } from "./client.ts";
import { getOrCreateSetting, getSetting, putSetting } from "./settings.ts";

/** A VAPID key pair in web-push's format: base64url P-256 public point and private scalar. */
export interface VapidKeyPair {
  publicKey: string;
  privateKey: string;
}

/** The generated development pair, shared by every process. Never used when keys are configured. */
const DEV_PAIR = "vapid_dev_keys";
/** The public key the workers currently sign with: what browsers must subscribe with. */
const IN_USE = "vapid_public_key";

export function generateVapidKeys(): VapidKeyPair {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  // The private scalar may have leading zero bytes that Node drops; VAPID wants exactly 32.
  const priv = ecdh.getPrivateKey();
  return {
    publicKey: ecdh.getPublicKey().toString("base64url"),
    privateKey: Buffer.concat([Buffer.alloc(32 - priv.length), priv]).toString("base64url"),
  };
}

/**
 * The key pair a worker signs web pushes with: the configured one, else
 * (development) a pair generated once and shared through the database. Either
 * way its public half is recorded, so the API serves the key the workers use.
 * A configured private key never touches the database.
 */
export async function resolveVapidKeys(db: Db, configured?: VapidKeyPair): Promise<VapidKeyPair> {
  const pair = configured ?? (await getOrCreateSetting(db, DEV_PAIR, generateVapidKeys));
  if ((await getSetting<string>(db, IN_USE)) !== pair.publicKey) await putSetting(db, IN_USE, pair.publicKey);
  return pair;
}

/**
 * The public key browsers subscribe with: the configured one, else the one
 * the workers recorded, else (when `generate` is allowed) the shared dev pair's.
 */
export async function vapidPublicKey(
  db: Db,
  options: { configured?: string; generate: boolean },
): Promise<string | null> {
  if (options.configured) return options.configured;
  const inUse = await getSetting<string>(db, IN_USE);
  if (inUse) return inUse;
  if (!options.generate) return null;
  return (await resolveVapidKeys(db)).publicKey;
}
