import { z } from 'zod';

/** A forecast as the weather API returns it; the MCP server validates what it receives. */
export const forecastSchema = z.object({
  date: z.string().describe('Day of the forecast, ISO 8601 (yyyy-mm-dd)'),
  temperatureC: z.number().describe('Temperature in degrees Celsius'),
  temperatureF: z.number().describe('Temperature in degrees Fahrenheit'),
  summary: z.string().describe('One-word description, e.g. "Mild"'),
});

export const forecastListSchema = z.array(forecastSchema);

export type Forecast = z.infer<typeof forecastSchema>;
