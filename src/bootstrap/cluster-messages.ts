/** What the primary of `WORKERS=n` and its workers say to each other over node:cluster's IPC. */

/** Primary -> worker: drain and stop, as SIGTERM would. */
export const STOP_MESSAGE = 'api-mcp-auth:stop';

/** Worker -> primary: every role of the worker listens. */
export const SERVING_MESSAGE = 'api-mcp-auth:serving';

/** Worker -> primary, just before it exits: why it could not start (for the primary's log). */
export interface StartFailedMessage {
  readonly type: 'api-mcp-auth:start-failed';
  readonly reason: string;
}

/** Primary -> every worker, on each change: the workers not serving, for /ready. */
export interface MissingWorkersMessage {
  readonly type: 'api-mcp-auth:missing-workers';
  readonly missing: readonly string[];
}

/** A reason longer than this is cut: it goes into one log line. */
const MAX_REASON_LENGTH = 4_000;

export function startFailed(reason: string): StartFailedMessage {
  return { type: 'api-mcp-auth:start-failed', reason: reason.slice(0, MAX_REASON_LENGTH) };
}

// IPC messages arrive untyped: each reader checks the shape it relies on.

export function isStartFailed(message: unknown): message is StartFailedMessage {
  const m = message as Partial<StartFailedMessage> | null;
  return m?.type === 'api-mcp-auth:start-failed' && typeof m.reason === 'string';
}

export function isMissingWorkers(message: unknown): message is MissingWorkersMessage {
  const m = message as Partial<MissingWorkersMessage> | null;
  return (
    m?.type === 'api-mcp-auth:missing-workers' &&
    Array.isArray(m.missing) &&
    m.missing.every((item) => typeof item === 'string')
  );
}
