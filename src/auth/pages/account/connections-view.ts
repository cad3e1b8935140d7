import type { ConnectionView } from '../../connections/connected-accounts';
import { markup, type SafeHtml } from '../html';

/** The user's connected accounts at third-party services, each with a disconnect form. */
export function connectionsSection(
  connections: readonly ConnectionView[],
  csrf: string,
  disconnectAction: string,
): SafeHtml {
  if (connections.length === 0) return markup``;
  const entries = connections.map(
    (c) => markup`<li class="app">
      <h2><span class="app-name">${c.displayName}</span></h2>
      <dl>
        <dt>Can</dt>
        <dd>${c.scopes.map((s) => markup`<code>${s}</code> `)}</dd>
        <dt>Connected</dt>
        <dd>${c.connectedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC</dd>
      </dl>
      <form method="post" action="${disconnectAction}" class="actions">
        <input type="hidden" name="csrf" value="${csrf}" />
        <input type="hidden" name="provider" value="${c.provider}" />
        <button type="submit" class="danger" aria-label="Disconnect ${c.displayName}">
          Disconnect
        </button>
      </form>
    </li>`,
  );
  return markup`<h2>Connected accounts</h2>
    <p>Tools use these accounts at other services on your behalf.</p>
    <ul class="apps">${entries}</ul>`;
}
