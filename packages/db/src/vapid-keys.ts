import { createECDH } from "node:crypto";
import type { Db } from "./client.ts";
import { getOrCreateSetting, getSetting, putSetting } from "./settings.ts";

/** A VAPID key pair in web-push's format: base64url P-256 public point and private scalar. */
export interface VapidKeyPair {
  publicKey: string;
  privateKey: string;
}

interface StoredVapid {
  publicKey: string;
  /** Null when the keys come from configuration: the private key then never touches the database. */
  privateKey: string | null;
}

const KEY = "vapid_keys";

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
 * The key pair a worker signs web pushes with. Configured keys win and their
 * public half is recorded so the API serves the same one; without
 * configuration (development) a pair is generated once and shared through
 * the database by every worker and API process.
 */
export async function resolveVapidKeys(db: Db, configured?: VapidKeyPair): Promise<VapidKeyPair> {
  if (configured) {
    const stored = await getSetting<StoredVapid>(db, KEY);
    if (stored?.publicKey !== configured.publicKey) {
      await putSetting(db, KEY, { publicKey: configured.publicKey, privateKey: null } satisfies StoredVapid);
    }
    return configured;
  }
  const stored = await getOrCreateSetting<StoredVapid>(db, KEY, generateVapidKeys);
  if (stored.privateKey) return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  // Keys were configured before and no longer are: start a new dev pair.
  const fresh = generateVapidKeys();
  await putSetting(db, KEY, fresh);
  return fresh;
}

/**
 * The public key browsers subscribe with: the configured one, else the one a
 * worker recorded, else (when `generate` is allowed) a new shared dev pair.
 */
export async function vapidPublicKey(
  db: Db,
  options: { configured?: string; generate: boolean },
): Promise<string | null> {
  if (options.configured) return options.configured;
  const stored = await getSetting<StoredVapid>(db, KEY);
  if (stored) return stored.publicKey;
  if (!options.generate) return null;
  return (await resolveVapidKeys(db)).publicKey;
}
