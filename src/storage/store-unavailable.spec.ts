import { asStoreUnavailable, StoreUnavailable } from './store-unavailable';

const coded = (code: string) => Object.assign(new Error('driver text'), { code });

describe('asStoreUnavailable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
    '53300',
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_IOERR_READ',
    'SQLITE_CANTOPEN',
  ])('takes %s for a store out of reach', (code) => {
    const error = coded(code);
    const unavailable = asStoreUnavailable(error);
    expect(unavailable).toBeInstanceOf(StoreUnavailable);
    expect(unavailable?.cause).toBe(error);
  });

  it('looks at the cause the pg driver wraps a socket error in', () => {
    const wrapped = new Error('Connection terminated', { cause: coded('ECONNREFUSED') });
    expect(asStoreUnavailable(wrapped)).toBeInstanceOf(StoreUnavailable);
  });

  it.each(['23505', '42P01', 'SQLITE_CONSTRAINT', 'SQLITE_BUSYNESS', 'ERR_X'])(
    'leaves %s a fault',
    (code) => {
      expect(asStoreUnavailable(coded(code))).toBeUndefined();
    },
  );

  it('never reads the message', () => {
    expect(
      asStoreUnavailable(new Error('timeout exceeded when trying to connect')),
    ).toBeUndefined();
    expect(asStoreUnavailable('ECONNREFUSED')).toBeUndefined();
  });

  it('passes a StoreUnavailable through', () => {
    const error = new StoreUnavailable();
    expect(asStoreUnavailable(error)).toBe(error);
  });
});
