import { LIMITS, parseConsentForm, parseLoginForm } from './interaction-forms';
import { InteractionError } from './interaction.errors';

function refusal(run: () => unknown): InteractionError {
  try {
    run();
  } catch (error) {
    if (error instanceof InteractionError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseLoginForm', () => {
  it('reads a browser form', () => {
    expect(
      parseLoginForm({ csrf: 't', action: 'login', username: 'alice', password: 'pw' }),
    ).toEqual({ action: 'login', username: 'alice', password: 'pw' });
  });

  it('treats missing fields as empty and a missing action as login', () => {
    expect(parseLoginForm(undefined)).toEqual({ action: 'login', username: '', password: '' });
  });

  it.each([
    [
      'a repeated field',
      { username: ['alice', 'bob'] },
      'The field "username" was sent more than once.',
    ],
    ['a number', { password: 42 }, 'The field "password" must be text.'],
    ['an object', { username: { $ne: '' } }, 'The field "username" must be text.'],
    ['an unknown action', { action: 'admin' }, 'The form was sent with an unknown action.'],
    ['a body that is not a form', 'username=alice', 'The form could not be read.'],
  ])('refuses %s with a clear reason', (_label, body, detail) => {
    const error = refusal(() => parseLoginForm(body));
    expect(error.code).toBe('invalid_form');
    expect(error.detail).toBe(detail);
  });

  it('caps the username and the password', () => {
    expect(parseLoginForm({ username: 'u'.repeat(LIMITS.username) }).username).toHaveLength(256);
    expect(
      refusal(() => parseLoginForm({ username: 'u'.repeat(LIMITS.username + 1) })).detail,
    ).toBe('The username is too long (at most 256 characters).');
    expect(parseLoginForm({ password: 'p'.repeat(LIMITS.password) }).password).toHaveLength(1024);
    expect(
      refusal(() => parseLoginForm({ password: 'p'.repeat(LIMITS.password + 1) })).detail,
    ).toBe('The password is too long (at most 1024 characters).');
  });
});

describe('parseConsentForm', () => {
  it('allows only on an explicit allow', () => {
    expect(parseConsentForm({ action: 'allow' })).toEqual({ action: 'allow' });
    expect(parseConsentForm({ action: 'deny' })).toEqual({ action: 'deny' });
    expect(parseConsentForm({})).toEqual({ action: 'deny' });
  });

  it('refuses a repeated action', () => {
    expect(refusal(() => parseConsentForm({ action: ['allow', 'deny'] })).code).toBe(
      'invalid_form',
    );
  });
});
