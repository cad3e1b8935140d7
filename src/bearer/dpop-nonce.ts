import { createHmac, timingSafeEqual } from 'node:crypto';

/** A nonce is good for the window it was made in and the one after (RFC 9449 §8.1, §9). */
const NONCE_WINDOW_SECONDS = 60;
const MAC_BYTES = 16;
/** base64url of 4 window bytes and the MAC: anything longer is not ours. */
const NONCE_CHARS = Math.ceil(((4 + MAC_BYTES) * 4) / 3);

/**
 * Server-provided DPoP nonces (RFC 9449 §9) that need no shared state: a nonce is the time
 * window it was made in and a MAC of that window under a secret every replica derives alike,
 * so any replica accepts the nonce another one issued. A client cannot make one for a future
 * window, which is what a nonce is for: proofs cannot be signed ahead of time (§11.2).
 */
export class DpopNonces {
  constructor(private readonly secret: Buffer) {}

  /** The nonce to hand out now. */
  current(nowSeconds: number): string {
    return this.nonceFor(Math.floor(nowSeconds / NONCE_WINDOW_SECONDS));
  }

  /** Whether `nonce` was made in this window or the one before. */
  accepts(nonce: unknown, nowSeconds: number): boolean {
    if (typeof nonce !== 'string' || nonce.length !== NONCE_CHARS) return false;
    const window = Math.floor(nowSeconds / NONCE_WINDOW_SECONDS);
    return [window, window - 1].some((w) => sameText(nonce, this.nonceFor(w)));
  }

  private nonceFor(window: number): string {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(window >>> 0);
    const mac = createHmac('sha256', this.secret).update(counter).digest().subarray(0, MAC_BYTES);
    return Buffer.concat([counter, mac]).toString('base64url');
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
