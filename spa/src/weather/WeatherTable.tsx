import type { Forecast } from './weather-api';

// Date-only values ("2025-06-01") are calendar days, so they are shown in UTC to avoid
// moving them by a day in time zones west of Greenwich.
const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

function formatDate(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

export function WeatherTable({
  forecasts,
  source,
}: {
  readonly forecasts: readonly Forecast[];
  readonly source: string;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>
          {forecasts.length}-day forecast from <code>{source}</code>
        </caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col" className="num">
              °C
            </th>
            <th scope="col" className="num">
              °F
            </th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {forecasts.map((forecast, index) => (
            <tr key={`${forecast.date}-${index}`}>
              <th scope="row">
                <time dateTime={forecast.date}>{formatDate(forecast.date)}</time>
              </th>
              <td className="num">{forecast.temperatureC}</td>
              <td className="num">{forecast.temperatureF}</td>
              <td>{forecast.summary ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
