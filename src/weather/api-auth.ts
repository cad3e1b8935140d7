import { bearerGuardFor } from '../auth/bearer.guard';
import { jwtStrategyFor } from '../auth/jwt.strategy';

const STRATEGY = 'weather-api-jwt';

export const ApiJwtStrategy = jwtStrategyFor(STRATEGY);
export const ApiBearerGuard = bearerGuardFor(STRATEGY);
