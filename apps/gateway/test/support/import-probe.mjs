// Loaded with `node --import` (NODE_OPTIONS) into a gateway under test: appends every module URL the
// process resolves to the file named by IMPORT_PROBE_FILE, so a test can tell what was loaded.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.IMPORT_PROBE_FILE, resolved.url + '\\n');
  return resolved;
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
