/**
 * The user's token: a fixed one, or one the app's backend hands out
 * (`getToken`), asked for again when Herald refuses the current one. Several
 * callers refused at once share one `getToken()` call.
 */
export interface TokenSource {
  current(): Promise<string>;
  /** A new token; rejects for a fixed token, which cannot be renewed. */
  renew(): Promise<string>;
  readonly renewable: boolean;
}

export function tokenSource(
  token: string | undefined,
  getToken: (() => Promise<string>) | undefined,
): TokenSource {
  if (getToken === undefined) {
    if (!token) throw new Error("createInbox needs `token` or `getToken`.");
    const fixed = token;
    return {
      current: () => Promise.resolve(fixed),
      renew: () =>
        Promise.reject(new Error("The inbox token was refused and no getToken was given to renew it.")),
      renewable: false,
    };
  }
  let value: Promise<string> | undefined = token ? Promise.resolve(token) : undefined;
  let renewing: Promise<string> | undefined;
  const ask = (): Promise<string> => {
    renewing ??= getToken().then(
      (t) => {
        renewing = undefined;
        if (!t) throw new Error("getToken() returned no token.");
        return t;
      },
      (err: unknown) => {
        renewing = undefined;
        throw err;
      },
    );
    return renewing;
  };
  return {
    current() {
      // A failed first fetch is asked again next time rather than remembered.
      value ??= ask().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
      return value;
    },
    renew() {
      const next = ask();
      value = next.catch((err: unknown) => {
        value = undefined;
        throw err;
      });
      return next;
    },
    renewable: true,
  };
}
