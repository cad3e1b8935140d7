// `npm run admin -- users|clients|sessions|keys …`: the operator's commands
// (src/admin/admin.cli.ts, used from dist/), against the store the server uses: `.env`,
// DATABASE_URL or SQLITE_PATH, read as the server reads them. `npm run keys` and
// `npm run hash-password` are aliases into it. Passwords come from a prompt or stdin, never
// from arguments.
let runAdmin;
try {
  ({ runAdmin } = await import(new URL('../dist/admin/admin.cli.js', import.meta.url).href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('admin: dist/admin/admin.cli.js is missing: run `npm run build` first\n');
  process.exit(1);
}
process.exitCode = await runAdmin(process.argv.slice(2));
