/**
 * Runs async tasks one after another. Refresh tokens rotate (RFC 9700 §4.14.2): two refreshes
 * racing with the same token would present a spent token, which the AuthServer treats as
 * theft and answers by revoking the whole grant.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
