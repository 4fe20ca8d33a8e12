import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One recorded Ford answer (see fixtures/ford/README.md). */
export interface FordFixture {
  _source: string;
  _compare: 'exact' | 'subset';
  status?: number;
  body: unknown;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ford');

export function fordFixture(name: string): FordFixture {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as FordFixture;
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Where `actual` leaves Ford's shape in `expected`: a missing key, another type, or (exact) a key
 * Ford does not send. An empty object or array in the fixture is an open dictionary or list. Every
 * element of a fixture array must be matched by some element of the actual array.
 */
export function shapeMismatches(
  expected: unknown,
  actual: unknown,
  mode: 'exact' | 'subset',
  path = '$',
): string[] {
  if (kind(expected) !== kind(actual)) return [`${path}: ${kind(actual)} where Ford sends ${kind(expected)}`];
  if (Array.isArray(expected)) {
    const items = actual as unknown[];
    if (expected.length === 0) return [];
    if (items.length === 0) return [`${path}: empty where Ford sends entries`];
    return expected.flatMap((element, i) => {
      const best = items
        .map((item) => shapeMismatches(element, item, mode, `${path}[${i}]`))
        .sort((a, b) => a.length - b.length)[0]!;
      return best;
    });
  }
  if (kind(expected) !== 'object') return [];
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  const keys = Object.keys(want).filter((key) => !key.startsWith('_'));
  if (keys.length === 0) return [];
  const problems = keys.flatMap((key) =>
    key in got ? shapeMismatches(want[key], got[key], mode, `${path}.${key}`) : [`${path}.${key}: missing`],
  );
  if (mode === 'exact') {
    for (const key of Object.keys(got)) if (!(key in want)) problems.push(`${path}.${key}: not sent by Ford`);
  }
  return problems;
}
