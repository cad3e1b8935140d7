/**
 * Whether this process is still taking work. Shared by every role of a process: once a
 * shutdown begins, /health and /ready answer 503 so a load balancer stops sending new
 * requests while the ones in flight finish.
 */
export class Lifecycle {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }
}
