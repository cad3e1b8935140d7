import { useCallback, useEffect, useState } from 'react';
import { ProblemNotice } from '../components/ProblemNotice';
import { describeFailure } from '../errors/describe-failure';
import type { AccessCredential } from '../http/access-credential';
import type { ProblemText } from '../http/http-problem';
import {
  MCP_SERVICE,
  McpHttpClient,
  type McpServerInfo,
  type McpTool,
  type ToolCallOutcome,
} from './mcp-client';

export const WEATHER_TOOL = 'get-weather-forecast';

type Session =
  | { readonly status: 'connecting' }
  | {
      readonly status: 'ready';
      readonly client: McpHttpClient;
      readonly server: McpServerInfo;
      readonly tools: readonly McpTool[];
    }
  | { readonly status: 'failed'; readonly problem: ProblemText };

type Call =
  | { readonly status: 'running'; readonly tool: string }
  | { readonly status: 'done'; readonly tool: string; readonly outcome: ToolCallOutcome }
  | { readonly status: 'failed'; readonly tool: string; readonly problem: ProblemText };

interface Props {
  readonly endpoint: string;
  readonly credential: () => Promise<AccessCredential>;
  readonly onSignIn: () => void;
  readonly fetchFn?: typeof fetch;
}

/** Connect (server/discover, or the 2025 handshake), tools/list, then tools/call on demand. */
export function McpPanel({ endpoint, credential, onSignIn, fetchFn = fetch }: Props) {
  const [session, setSession] = useState<Session>({ status: 'connecting' });
  const [call, setCall] = useState<Call>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const client = new McpHttpClient(endpoint, credential, fetchFn, controller.signal);
    setSession({ status: 'connecting' });
    setCall(undefined);
    (async () => {
      const server = await client.connect();
      const tools = await client.listTools();
      return { status: 'ready', client, server, tools } as const;
    })().then(setSession, (error: unknown) => {
      if (!controller.signal.aborted) {
        setSession({ status: 'failed', problem: describeFailure(error, MCP_SERVICE) });
      }
    });
    return () => controller.abort();
  }, [endpoint, credential, fetchFn, attempt]);

  const run = useCallback(
    (tool: string) => {
      if (session.status !== 'ready') return;
      setCall({ status: 'running', tool });
      session.client.callTool(tool).then(
        (outcome) => setCall({ status: 'done', tool, outcome }),
        (error: unknown) =>
          setCall({ status: 'failed', tool, problem: describeFailure(error, MCP_SERVICE) }),
      );
    },
    [session],
  );

  if (session.status === 'connecting') {
    return (
      <p className="status" role="status">
        Connecting to <code>{endpoint}</code>…
      </p>
    );
  }
  if (session.status === 'failed') {
    return (
      <ProblemNotice
        problem={session.problem}
        onSignIn={onSignIn}
        onRetry={() => setAttempt((n) => n + 1)}
      />
    );
  }

  return (
    <>
      <p>
        Connected to <strong>{session.server.name}</strong> {session.server.version} (protocol{' '}
        <code>{session.server.protocolVersion}</code>).
      </p>
      <div className="table-scroll">
        <table className="data-table tools-table">
          <caption>Tools offered by the MCP server</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {session.tools.map((tool) => (
              <tr key={tool.name}>
                <th scope="row">
                  <code>{tool.name}</code>
                </th>
                <td className="tools-table__description">
                  {tool.description ?? tool.title ?? '—'}
                </td>
                <td className="tools-table__action">
                  {tool.requiredArguments.length === 0 ? (
                    <button
                      type="button"
                      className={tool.name === WEATHER_TOOL ? 'primary' : undefined}
                      onClick={() => run(tool.name)}
                      disabled={call?.status === 'running'}
                      aria-label={`Call ${tool.name}`}
                    >
                      Call
                    </button>
                  ) : (
                    <span className="hint">needs {tool.requiredArguments.join(', ')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {session.tools.length === 0 ? <p className="notice">The server offers no tools.</p> : null}
      <CallResult call={call} onSignIn={onSignIn} />
    </>
  );
}

function CallResult({
  call,
  onSignIn,
}: {
  readonly call: Call | undefined;
  readonly onSignIn: () => void;
}) {
  return (
    <section aria-labelledby="tool-result-title" aria-live="polite" className="tool-result">
      <h2 id="tool-result-title">{call ? `Result of ${call.tool}` : 'Tool result'}</h2>
      {!call ? (
        <p className="hint">Call a tool to see what it returns.</p>
      ) : call.status === 'running' ? (
        <p className="status">Calling {call.tool}…</p>
      ) : call.status === 'failed' ? (
        <ProblemNotice problem={call.problem} onSignIn={onSignIn} />
      ) : call.outcome.isError ? (
        <div className="notice notice--error" role="alert">
          <p className="notice__title">The tool reported an error</p>
          <pre className="json">{call.outcome.text}</pre>
        </div>
      ) : (
        <pre className="json" data-testid="tool-output">
          {prettyIfJson(call.outcome.text)}
        </pre>
      )}
    </section>
  );
}

function prettyIfJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
