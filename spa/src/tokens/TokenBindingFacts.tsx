import { tokenBinding } from './binding';

interface Props {
  readonly tokenType: string;
  readonly accessToken: string;
}

/** The token's type and the key it is bound to, or a plain statement that it is not bound. */
export function TokenBindingFacts({ tokenType, accessToken }: Props) {
  const binding = tokenBinding(tokenType, accessToken);
  return (
    <dl className="facts">
      <dt>Token type</dt>
      <dd>
        <code>{tokenType}</code>
      </dd>
      <dt>Bound to key (cnf.jkt)</dt>
      <dd>
        {binding.kind === 'dpop' ? (
          <code>{binding.jkt}</code>
        ) : binding.kind === 'dpop-unreadable' ? (
          'bound, but the token does not say to which key'
        ) : (
          'not bound: whoever holds this token can use it'
        )}
      </dd>
    </dl>
  );
}
