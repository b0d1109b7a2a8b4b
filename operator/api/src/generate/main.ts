import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CRD_DIRECTORY, FORM_SCHEMA_DIRECTORY, REPOSITORY_ROOT, generatedFiles } from './generated-files.ts';

/**
 * Writes the CRDs and form schemas from the zod schemas: `yarn workspace @mobileplane/api generate`.
 * Files in the output directories that are no longer generated are removed, so a dropped kind leaves nothing.
 */
const files = await generatedFiles();
const wanted = new Set(files.map((file) => file.path));
for (const directory of [CRD_DIRECTORY, FORM_SCHEMA_DIRECTORY]) {
  await mkdir(join(REPOSITORY_ROOT, directory), { recursive: true });
  for (const name of await readdir(join(REPOSITORY_ROOT, directory))) {
    if (!wanted.has(`${directory}/${name}`)) await rm(join(REPOSITORY_ROOT, directory, name));
  }
}
for (const file of files) {
  await mkdir(dirname(join(REPOSITORY_ROOT, file.path)), { recursive: true });
  await writeFile(join(REPOSITORY_ROOT, file.path), file.content);
  console.warn(`wrote ${file.path}`);
}
