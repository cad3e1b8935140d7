import { useCallback } from 'react';
import { useAuth } from '../auth/auth-context';
import { WeatherPanel } from '../weather/WeatherPanel';

export function WeatherPage() {
  const { userManager, config, signIn } = useAuth();
  const apiCredential = useCallback(() => userManager.apiCredential(), [userManager]);
  return (
    <section aria-labelledby="weather-title">
      <h1 id="weather-title">Weather forecast</h1>
      <p className="lead">
        The browser calls <code>GET {config.apiBaseUrl}/WeatherForecast</code> itself, sending the
        access token whose audience is the API with a DPoP proof signed by this browser's key. The
        API checks the token's signature, audience and <code>weatherget</code> scope, and that the
        proof's key is the one the token is bound to.
      </p>
      <WeatherPanel
        apiBaseUrl={config.apiBaseUrl}
        credential={apiCredential}
        onSignIn={() => void signIn('/weather')}
      />
    </section>
  );
}
