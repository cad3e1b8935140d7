import type { DPoPState } from 'oidc-client-ts';
import type { DpopKeyStore } from '../auth/spa-user-manager';

/**
 * oidc-client-ts's DPoP key store kept in memory, as jsdom has no IndexedDB. Like
 * IndexedDbDPoPStore, a missing key resolves to undefined: the library checks for that although
 * the store's declared type does not say so.
 */
export class MemoryDpopStore implements DpopKeyStore {
  readonly states = new Map<string, DPoPState>();

  set(key: string, value: DPoPState): Promise<void> {
    this.states.set(key, value);
    return Promise.resolve();
  }

  get(key: string): Promise<DPoPState> {
    return Promise.resolve(this.states.get(key) as DPoPState);
  }

  remove(key: string): Promise<DPoPState> {
    const state = this.states.get(key);
    this.states.delete(key);
    return Promise.resolve(state as DPoPState);
  }

  getAllKeys(): Promise<string[]> {
    return Promise.resolve([...this.states.keys()]);
  }
}
