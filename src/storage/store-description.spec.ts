import { describeStore } from './store-description';

describe('describeStore', () => {
  it('names the SQLite file', () => {
    expect(describeStore({ kind: 'sqlite', path: '/srv/auth/auth.sqlite' })).toBe(
      'SQLite /srv/auth/auth.sqlite',
    );
  });

  it('names the PostgreSQL user, host and database, never the password', () => {
    const described = (url: string) => describeStore({ kind: 'postgres', url, poolSize: 1 });

    expect(described('postgres://auth:s3cr%40t-pw@db.internal:5432/auth')).toBe(
      'PostgreSQL postgres://auth@db.internal:5432/auth',
    );
    expect(described('postgresql://:s3cret@db.internal/auth')).toBe(
      'PostgreSQL postgresql://db.internal/auth',
    );
    expect(described('postgres://auth@db.internal/auth?sslmode=require&password=s3cret')).toBe(
      'PostgreSQL postgres://auth@db.internal/auth (query parameters not shown)',
    );
    expect(described('postgres://auth:s3cret@db.internal:99999/auth')).not.toContain('s3cret');
  });
});
