import type { ReactNode } from 'react';
import { decodeJwt, JwtDecodeError, numericClaim, type DecodedJwt } from '../auth/jwt';
import { describeExpiry } from './countdown';

interface Props {
  readonly id: string;
  readonly title: string;
  readonly token: string;
  readonly now: number;
  readonly children?: ReactNode;
}

function tryDecode(token: string): DecodedJwt | JwtDecodeError {
  try {
    return decodeJwt(token);
  } catch (error) {
    if (error instanceof JwtDecodeError) return error;
    throw error;
  }
}

function audience(claims: DecodedJwt['claims']): string {
  const aud = claims.aud;
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud)) return aud.join(', ');
  return '(none)';
}

export function TokenCard({ id, title, token, now, children }: Props) {
  const decoded = tryDecode(token);
  const titleId = `${id}-title`;

  return (
    <article className="token-card" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
      {decoded instanceof JwtDecodeError ? (
        <p className="notice">
          This token is not a readable JWT ({decoded.message}). It is opaque to the browser: only
          the AuthServer can tell what it means.
        </p>
      ) : (
        <>
          <TokenFacts decoded={decoded} now={now} />
          <div className="token-parts">
            <section aria-label={`${title}: header`}>
              <h3>Header</h3>
              <pre className="json">{JSON.stringify(decoded.header, null, 2)}</pre>
            </section>
            <section aria-label={`${title}: claims`}>
              <h3>Claims</h3>
              <pre className="json">{JSON.stringify(decoded.claims, null, 2)}</pre>
            </section>
          </div>
        </>
      )}
      <details>
        <summary>Encoded token</summary>
        <pre className="raw-token">{token}</pre>
      </details>
    </article>
  );
}

function TokenFacts({ decoded, now }: { readonly decoded: DecodedJwt; readonly now: number }) {
  const exp = numericClaim(decoded.claims, 'exp');
  const expiry = exp === undefined ? undefined : describeExpiry(exp, now);
  const scope = decoded.claims.scope;
  return (
    <dl className="facts">
      <dt>Audience (aud)</dt>
      <dd>
        <code>{audience(decoded.claims)}</code>
      </dd>
      {typeof scope === 'string' ? (
        <>
          <dt>Scope</dt>
          <dd>
            <code>{scope}</code>
          </dd>
        </>
      ) : null}
      <dt>Expiry (exp)</dt>
      <dd>
        {expiry ? (
          <span className={expiry.expired ? 'expired' : undefined}>
            {expiry.text}
            {exp !== undefined ? ` (${new Date(exp * 1000).toLocaleTimeString()})` : ''}
          </span>
        ) : (
          'no exp claim'
        )}
      </dd>
    </dl>
  );
}
