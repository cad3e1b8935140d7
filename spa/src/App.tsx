import { Route, Routes } from 'react-router';
import { SIGNIN_CALLBACK_PATH, SIGNOUT_CALLBACK_PATH } from './auth/spa-user-manager';
import { Layout } from './components/Layout';
import { RequireAuth } from './components/RequireAuth';
import { HomePage } from './pages/HomePage';
import { McpPage } from './pages/McpPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SigninCallbackPage } from './pages/SigninCallbackPage';
import { SignoutCallbackPage } from './pages/SignoutCallbackPage';
import { TokensPage } from './pages/TokensPage';
import { WeatherPage } from './pages/WeatherPage';

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path={SIGNIN_CALLBACK_PATH} element={<SigninCallbackPage />} />
        <Route path={SIGNOUT_CALLBACK_PATH} element={<SignoutCallbackPage />} />
        <Route
          path="/weather"
          element={
            <RequireAuth>
              <WeatherPage />
            </RequireAuth>
          }
        />
        <Route
          path="/tokens"
          element={
            <RequireAuth>
              <TokensPage />
            </RequireAuth>
          }
        />
        <Route
          path="/mcp"
          element={
            <RequireAuth>
              <McpPage />
            </RequireAuth>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
