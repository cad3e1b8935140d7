/**
 * The weather API's entry of the APIs list (config/apis.ts `weatherApiOf`), read once when the
 * API role starts: its resource identifier, scopes and what each scope means.
 */
export const WEATHER_API = Symbol('WEATHER_API');
