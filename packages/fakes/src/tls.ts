import { generate } from "selfsigned";

export interface LoopbackCertificate {
  /** PEM private key for the server. */
  key: string;
  /** PEM certificate (self-signed): hand it to clients as their trusted CA, in tests only. */
  cert: string;
}

let cached: Promise<LoopbackCertificate> | undefined;

/**
 * A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, made at
 * run time (never committed) and shared by every HTTPS fake in the process.
 */
export function loopbackCertificate(): Promise<LoopbackCertificate> {
  cached ??= generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return cached;
}
