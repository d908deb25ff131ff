import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import { PublicOnlyAgent } from "@herald/public-address";

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

/**
 * An HTTPS agent that trusts {@link providerCa}, or undefined for Node's
 * global agent. With `publicOnly` (default false) always an agent, which
 * connects to public addresses only ({@link PublicOnlyAgent}): for
 * destinations a user chose rather than the operator.
 */
export function providerAgent(
  ca: string[] | undefined,
  options: { publicOnly?: boolean } = {},
): Agent | undefined {
  if (options.publicOnly) return new PublicOnlyAgent({ ca });
  return ca ? new Agent({ ca, keepAlive: true }) : undefined;
}
