const pending = new Map<string, Promise<unknown>>();

/**
 * Runs `task` once per key for the page's lifetime. Redirect callbacks consume one-time state
 * (the stored PKCE verifier, the authorization code), and React may mount a component twice.
 */
export function once<T>(key: string, task: () => Promise<T>): Promise<T> {
  let promise = pending.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = task();
    pending.set(key, promise);
  }
  return promise;
}
