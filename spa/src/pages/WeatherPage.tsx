import { useCallback } from 'react';
import { useAuth } from '../auth/auth-context';
import { WeatherPanel } from '../weather/WeatherPanel';

export function WeatherPage() {
  const { userManager, config, signIn } = useAuth();
  const apiToken = useCallback(() => userManager.apiAccessToken(), [userManager]);
  return (
    <section aria-labelledby="weather-title">
      <h1 id="weather-title">Weather forecast</h1>
      <p className="lead">
        The browser calls <code>GET {config.apiBaseUrl}/WeatherForecast</code> itself, sending the
        access token whose audience is the API. The API checks its signature, audience and the{' '}
        <code>weatherget</code> scope.
      </p>
      <WeatherPanel
        apiBaseUrl={config.apiBaseUrl}
        accessToken={apiToken}
        onSignIn={() => void signIn('/weather')}
      />
    </section>
  );
}
