import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts/conformance-matrix.mjs');
const REQUIREMENTS = join(ROOT, 'docs/conformance/requirements.json');

function check(...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, '--check', ...args], { encoding: 'utf8' });
  return { code: run.status, stderr: run.stderr };
}

/**
 * docs/conformance.md is what the generator makes of the requirements and the tests' `proves`
 * declarations: no row claims a test that does not declare it, no test claims a row that is
 * not listed, and the committed file is not stale.
 */
describe('conformance matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-'));

  it('is current (npm run conformance:matrix)', () => {
    expect(check()).toEqual({ code: 0, stderr: '' });
  });

  it('is stale when a row claims a test that does not exist', () => {
    const forged = join(dir, 'conformance.md');
    const current = readFileSync(join(ROOT, 'docs/conformance.md'), 'utf8');
    // Every row may be proven by now: add a claim to the first row's list of tests.
    const claimed = current.replace(
      '`test/',
      '`test/nowhere.e2e-spec.ts`: a test nobody wrote; `test/',
    );
    expect(claimed).not.toBe(current);
    writeFileSync(forged, claimed);
    expect(check('--matrix', forged)).toEqual({
      code: 1,
      stderr: expect.stringContaining('is stale') as string,
    });
  });

  it('refuses a test that claims a requirement the list does not have', () => {
    const fewer = join(dir, 'requirements.json');
    const all = JSON.parse(readFileSync(REQUIREMENTS, 'utf8')) as { id: string }[];
    writeFileSync(
      fewer,
      JSON.stringify(all.filter((r) => r.id !== 'mcp-auth-2026-07-28/as/iss-on-error')),
    );
    expect(check('--requirements', fewer)).toEqual({
      code: 1,
      stderr: expect.stringContaining(
        'claims unknown requirement mcp-auth-2026-07-28/as/iss-on-error',
      ) as string,
    });
  });
});
