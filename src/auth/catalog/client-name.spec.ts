import { nameSkeleton, unsafeCharacterIn } from './client-name';

describe('nameSkeleton', () => {
  const spa = nameSkeleton('Weather SPA');

  it.each([
    ['other case and spacing', '  weather \t spa '],
    ['full-width letters', '\uff37eather SPA'],
    ['mathematical bold', '\ud835\udc16eather SPA'],
    ['a Cyrillic a', 'Weather SP\u0410'],
    ['Greek capitals', 'WE\u0391THER S\u03a1\u0391'],
    ['an accent, composed or not', 'W\u00e9ather SPA'],
    ['a zero-width space', 'Weather\u200b SPA'],
    ['a braille blank for the space', 'Weather\u2800SPA'],
  ])('is the same for the name with %s', (_, lookAlike) => {
    expect(nameSkeleton(lookAlike)).toBe(spa);
  });

  it('tells different names apart, in any script', () => {
    expect(nameSkeleton('Weather SPAs')).not.toBe(spa);
    expect(nameSkeleton('\u041f\u043e\u0433\u043e\u0434\u0430')).not.toBe(spa);
  });
});

describe('unsafeCharacterIn', () => {
  it.each([
    ['\u001b[2J', 'U+001B'],
    ['a\u009bb', 'U+009B'],
    ['a\u202eb', 'U+202E'],
    ['a\u200db', 'U+200D'],
    ['a\u2028b', 'U+2028'],
    ['a\ue000b', 'U+E000'],
  ])('names the first control or invisible character of %j', (name, found) => {
    expect(unsafeCharacterIn(name)).toBe(found);
  });

  it('finds none in ordinary names of any script', () => {
    expect(
      unsafeCharacterIn('M\u00e9t\u00e9o \u041f\u043e\u0433\u043e\u0434\u0430 \u2600\ufe0f'),
    ).toBeUndefined();
  });
});
