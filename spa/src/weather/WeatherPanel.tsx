import { useCallback, useEffect, useState } from 'react';
import { ProblemNotice } from '../components/ProblemNotice';
import { describeFailure } from '../errors/describe-failure';
import type { AccessCredential } from '../http/access-credential';
import type { ProblemText } from '../http/http-problem';
import { API_SERVICE, fetchForecasts, type Forecast } from './weather-api';
import { WeatherTable } from './WeatherTable';

type State =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded'; readonly forecasts: readonly Forecast[] }
  | { readonly status: 'failed'; readonly problem: ProblemText };

interface Props {
  readonly apiBaseUrl: string;
  /** Asked for each load, so a silently renewed token does not reset what is on screen. */
  readonly credential: () => Promise<AccessCredential>;
  readonly onSignIn: () => void;
  readonly fetchFn?: typeof fetch;
}

export function WeatherPanel({ apiBaseUrl, credential, onSignIn, fetchFn = fetch }: Props) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const url = `${apiBaseUrl}/WeatherForecast`;

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    credential()
      .then((current) => fetchForecasts(apiBaseUrl, current, fetchFn, controller.signal))
      .then(
        (forecasts) => setState({ status: 'loaded', forecasts }),
        (error: unknown) => {
          if (!controller.signal.aborted) {
            setState({ status: 'failed', problem: describeFailure(error, API_SERVICE) });
          }
        },
      );
    return () => controller.abort();
  }, [apiBaseUrl, credential, fetchFn, attempt]);

  switch (state.status) {
    case 'loading':
      return (
        <p className="status" role="status" aria-live="polite">
          Loading the forecast from <code>{url}</code>…
        </p>
      );
    case 'failed':
      return <ProblemNotice problem={state.problem} onSignIn={onSignIn} onRetry={retry} />;
    case 'loaded':
      if (state.forecasts.length === 0) {
        return (
          <div className="notice" role="status">
            <p>The API answered, but it has no forecasts right now.</p>
            <button type="button" onClick={retry}>
              Reload
            </button>
          </div>
        );
      }
      return (
        <>
          <WeatherTable forecasts={state.forecasts} source={url} />
          <button type="button" onClick={retry}>
            Reload
          </button>
        </>
      );
  }
}
