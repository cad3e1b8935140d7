import { AdminError } from './admin-error';
import { parseArgs } from './args';
import { fromPipedText } from './password-input';
import { formatTable } from './table';

describe('fromPipedText', () => {
  it('takes one line, with or without its newline, or the same line twice', () => {
    expect(fromPipedText('a secret pw')).toBe('a secret pw');
    expect(fromPipedText('a secret pw\n')).toBe('a secret pw');
    expect(fromPipedText('a secret pw\r\na secret pw\r\n')).toBe('a secret pw');
    expect(fromPipedText('')).toBe('');
  });

  it('refuses two different lines and more than two', () => {
    expect(() => fromPipedText('one\ntwo\n')).toThrow('the two passwords differ');
    expect(() => fromPipedText('a\na\na\n')).toThrow(AdminError);
  });
});

describe('parseArgs', () => {
  it('splits words, value options and --json', () => {
    const args = parseArgs(['users', 'add', 'carol', '--email', 'c@example.com', '--json']);
    expect(args.words).toEqual(['users', 'add', 'carol']);
    expect(args.json).toBe(true);
    expect(args.options.get('--email')).toBe('c@example.com');
  });

  it('refuses a password option, an unknown option and a missing value as usage errors', () => {
    for (const argv of [['--password=x'], ['--passwd', 'x'], ['--force'], ['--user']]) {
      expect(() => parseArgs(argv)).toThrow(expect.objectContaining({ code: 'usage' }) as Error);
    }
  });
});

describe('formatTable', () => {
  it('aligns columns under the header as given', () => {
    expect(
      formatTable(
        ['NAME', 'STATUS'],
        [
          ['alice', 'enabled'],
          ['bo', 'disabled'],
        ],
      ),
    ).toBe('NAME   STATUS\nalice  enabled\nbo     disabled\n');
  });
});
