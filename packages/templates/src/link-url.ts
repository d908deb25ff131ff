import { z } from "zod";

/** What a rejected link is told; exported so tests and docs say the same thing. */
export const LINK_URL_MESSAGE = "must be an http or https URL";

/**
 * The schema of every link a notification carries (a button's href, an SMS
 * link, a push or in-app click target). A bare `z.url()` takes any scheme the
 * WHATWG parser knows, so `javascript:` and `data:` got through and React
 * swapped the href for its own "blocked a javascript: URL" script in the
 * e-mail we sent. Recipients only ever need a web page: http and https only.
 */
export const linkUrl = () =>
  z
    .url({ protocol: /^https?$/, error: LINK_URL_MESSAGE })
    // Stored and handed on as the parser writes it: quotes and angle brackets in it are
    // percent-encoded, so a widget that builds HTML from an in-app `url` cannot be broken out of.
    .transform((url) => new URL(url).href);
