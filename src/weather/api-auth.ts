import { bearerGuardFor } from '../bearer/bearer.guard';
import { jwtStrategyFor } from '../bearer/jwt.strategy';

const STRATEGY = 'weather-api-jwt';

export const ApiJwtStrategy = jwtStrategyFor(STRATEGY);
export const ApiBearerGuard = bearerGuardFor(STRATEGY, ApiJwtStrategy);
