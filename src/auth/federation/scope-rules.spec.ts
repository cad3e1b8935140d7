import { withheldScopes } from './scope-rules';

const rules = [{ scope: 'weatherget', claim: 'groups', anyOf: ['weather-readers'] }];

describe('withheldScopes', () => {
  it('grants a ruled scope to a member and withholds it from everyone else', () => {
    const asked = ['openid', 'weatherget'];
    expect(withheldScopes(asked, rules, { groups: ['staff', 'weather-readers'] })).toEqual([]);
    expect(withheldScopes(asked, rules, { groups: ['staff'] })).toEqual(['weatherget']);
    expect(withheldScopes(asked, rules, { groups: 'weather-readers' })).toEqual([]);
  });

  it('fails closed when the claim is missing, and leaves unruled scopes alone', () => {
    expect(withheldScopes(['openid', 'weatherget', 'api'], rules, {})).toEqual(['weatherget']);
    expect(withheldScopes(['openid', 'api'], [], {})).toEqual([]);
  });
});
