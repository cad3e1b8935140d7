import {
  errors,
  Provider,
  type KoaContextWithOIDC,
  type TokenEndpointGrantContext,
} from 'oidc-provider';
import { AlreadyConsumedError, runRefreshGrant } from '../../storage/oidc-adapter';
import type { ConsumptionLog, OidcRecordStore } from '../../storage/oidc-records';

type GrantHandler<P extends object> = (ctx: TokenEndpointGrantContext<P>) => void | Promise<void>;

const MODEL = 'RefreshToken';
/**
 * How long after a token's consumption a late request waits for the winner of the race to
 * record the token it issued. Past it, the winner is taken to have died (the consumption is
 * given back). Generous: a live winner on a loaded server must never be mistaken for a dead one.
 */
const SUCCESSOR_WAIT_MS = 10_000;
const POLL_MS = 50;
/** Tabs refreshing again and again inside one window: follow a short chain, not forever. */
const MAX_HOPS = 5;

/**
 * Refresh-token rotation with a reuse window that keeps one family (RFC 9700 §4.14.2).
 * oidc-provider revokes the grant whenever a used refresh token comes back. Two tabs refreshing
 * at once would log the user out, so for `graceSeconds` after a token was used, presenting it
 * again answers with the successor already issued (and a new access token): never a second,
 * independent chain a thief could keep alive. After the window, reuse revokes the grant as
 * oidc-provider does. The successor is recorded on the used token in the shared store, so this
 * holds when the two requests reach different AuthServer processes.
 */
export class RefreshTokenReuse {
  /** Requests answered with an already issued successor: oidc-provider must not rotate it. */
  private readonly reissuing = new WeakSet<object>();

  constructor(
    private readonly store: ConsumptionLog & Pick<OidcRecordStore, 'destroy'>,
    private readonly graceSeconds: number,
  ) {}

  /** oidc-provider's `rotateRefreshToken`. */
  readonly rotate = (ctx: KoaContextWithOIDC): boolean => !this.reissuing.has(ctx);

  /** A Provider whose refresh_token grant goes through `wrap`. */
  providerClass(): typeof Provider {
    const wrap = <P extends object>(handler: GrantHandler<P>) => this.wrap(handler);
    return class extends Provider {
      override registerGrantType<Params extends object>(
        name: string,
        handler: GrantHandler<Params>,
        ...rest: [params?: string | readonly string[] | ReadonlySet<string>, dupes?: string]
      ): void {
        // oidc-provider registers its own grants through this method while it is constructed.
        super.registerGrantType(name, name === 'refresh_token' ? wrap(handler) : handler, ...rest);
      }
    };
  }

  /** Wraps oidc-provider's refresh_token grant handler. */
  wrap<P extends object>(handler: GrantHandler<P>): GrantHandler<P> {
    return async (ctx) => {
      const params: Record<string, unknown> = ctx.oidc.params;
      for (let attempt = 0; ; attempt++) {
        const presented = params['refresh_token'];
        // The first try goes straight to oidc-provider, so an unused token (nearly every
        // refresh) costs no read of its own here. A token used inside the window shows as unused
        // to oidc-provider (the adapter hides its use) and loses at the atomic rotation (its
        // consumption, written with the successor), which brings it back here for its successor.
        const successor =
          attempt > 0 && typeof presented === 'string'
            ? await this.successorWithinGrace(presented)
            : undefined;
        if (successor !== undefined) {
          params['refresh_token'] = successor;
          this.reissuing.add(ctx);
          return handler(ctx);
        }
        try {
          // The adapter records the successor as it stores it; a store it could not do that
          // for leaves it to recordRotation.
          if (await runRefreshGrant(async () => handler(ctx))) return;
          return await this.recordRotation(ctx);
        } catch (error) {
          // Lost a race for the token: look again, now that it is consumed (inside the window
          // the winner's successor, outside it oidc-provider's reuse detection).
          if (!(error instanceof AlreadyConsumedError) || attempt > 0) throw error;
        }
      }
    };
  }

  /**
   * The token to answer with when `id` was used inside the window: its successor, or that
   * one's if it was used too. Undefined when `id` is unused (again) or was used before the
   * window.
   */
  private async successorWithinGrace(id: string): Promise<string | undefined> {
    let current = id;
    for (let step = 0; step < MAX_HOPS; step++) {
      const used = await this.store.consumption(MODEL, current);
      if (!used || Date.now() - used.consumedAt >= this.graceSeconds * 1000) {
        return current === id ? undefined : current;
      }
      const next = used.successorId ?? (await this.waitForSuccessor(current, used.consumedAt));
      if (next !== undefined) {
        current = next;
        continue;
      }
      // Consumed, yet nothing replaced it: the request that used it died first (a crash, a
      // failed write), so its client never received a successor. Give the token back, once;
      // whoever races for it next goes through the ordinary single-use consumption.
      if (await this.store.releaseConsumption(MODEL, current, used.consumedAt)) {
        return current === id ? undefined : current;
      }
      // A concurrent request gave it back first (and may be using it already, or may have
      // recorded its successor): look at the token again rather than refuse this client.
    }
    return current;
  }

  private async waitForSuccessor(id: string, consumedAt: number): Promise<string | undefined> {
    const deadline = consumedAt + SUCCESSOR_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const used = await this.store.consumption(MODEL, id);
      if (used?.successorId !== undefined) return used.successorId;
    }
    return undefined;
  }

  /**
   * Records the new token as the used one's only successor. Should another request have
   * recorded one first (possible only after a consumption was given back, see above), this
   * request's token is withdrawn and the client, asking again, gets that successor: one family.
   */
  private async recordRotation(ctx: KoaContextWithOIDC): Promise<void> {
    const { RotatedRefreshToken: used, RefreshToken: issued } = ctx.oidc.entities;
    if (!used?.jti || !issued?.jti || used.jti === issued.jti) return;
    if (await this.store.recordSuccessor(MODEL, used.jti, issued.jti)) return;
    await this.store.destroy(MODEL, issued.jti);
    throw new errors.InvalidGrant('refresh token already used');
  }
}
