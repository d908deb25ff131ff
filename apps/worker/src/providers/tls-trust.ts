import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";

/** A secret or certificate given inline (PEM/JSON text) or as a path to a file holding it. */
export function inlineOrFile(value: string): string {
  const looksInline = value.includes("-----BEGIN") || value.trimStart().startsWith("{");
  if (!looksInline && existsSync(value)) return readFileSync(value, "utf8");
  return value;
}

/**
 * CA list for provider connections: the system store plus `PROVIDER_CA_CERT`
 * (tests trust their loopback fakes this way; also TLS-intercepting proxies).
 * Undefined means Node's default trust.
 */
export function providerCa(extra: string | undefined): string[] | undefined {
  if (!extra) return undefined;
  return [...rootCertificates, inlineOrFile(extra)];
}

/** An HTTPS agent that trusts {@link providerCa}, or undefined for Node's global agent. */
export function providerAgent(ca: string[] | undefined): Agent | undefined {
  return ca ? new Agent({ ca, keepAlive: true }) : undefined;
}
