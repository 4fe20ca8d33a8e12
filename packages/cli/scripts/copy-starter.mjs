// Build step: the starter that `configflow init` writes is the hello example itself, so it ships in
// dist/starter and is tested by the example's own tests in this repo.
import { cp, rm } from 'node:fs/promises';

const from = new URL('../../../examples/hello/', import.meta.url);
const to = new URL('../dist/starter/', import.meta.url);
await rm(to, { recursive: true, force: true });
for (const path of ['src', 'test', 'configflow.config.ts'])
  await cp(new URL(path, from), new URL(path, to), { recursive: true });
