import { describePasswordProblem, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['', 'empty'],
    ['short pw', 'too_short'],
    ['elevenchars', 'too_short'],
    ['x'.repeat(257), 'too_long'],
    ['Password1234', 'common'],
    ['zzzzzzzzzzzzzz', 'common'],
    ['carol-is-great-1', 'is_username'],
  ])('refuses %j (%s)', (password, problem) => {
    expect(passwordProblem(password, 'Carol')).toBe(problem);
  });

  it('accepts a long, uncommon password, counting characters rather than bytes', () => {
    expect(passwordProblem('correct horse battery', 'carol')).toBeUndefined();
    expect(passwordProblem('ünïcødé-pässwörd', 'carol')).toBeUndefined();
    expect(passwordProblem('€€€€€€€€€€€', 'carol')).toBe('too_short');
  });

  it('says what to do', () => {
    expect(describePasswordProblem('too_short')).toBe(
      'the password is too short: use at least 12 characters',
    );
  });
});
