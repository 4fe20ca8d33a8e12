import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/** Compares output with `golden/<file>`; `UPDATE_GOLDEN=1` rewrites the file instead. */
export function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`Missing golden file ${file}: run the tests with UPDATE_GOLDEN=1 and review the diff`);
  }
  expect(actual, `${file} differs from its golden (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, 'utf8'),
  );
}
