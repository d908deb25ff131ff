import { HeraldError } from "@herald/errors";
import { nonPublicHost } from "@herald/public-address";
import { describeDetails } from "../on-error.ts";

/**
 * Refuses (422, on `path`) a URL whose host is not a public destination —
 * a loopback, private, link-local or other non-public IP literal,
 * `localhost`, or a name only a local network resolves — unless
 * `allowPrivate`: Herald would send to it from inside the operator's
 * network (SSRF). `must` starts the message, e.g. "must be a public push service".
 */
export function refuseNonPublicUrl(url: string, allowPrivate: boolean, path: string, must: string): void {
  if (allowPrivate) return;
  const problem = nonPublicHost(new URL(url).hostname);
  if (!problem) return;
  const details = [{ path, message: `${must}: ${problem}` }];
  throw new HeraldError("validation_failed", describeDetails(details), { details });
}
