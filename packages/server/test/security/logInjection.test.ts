import { afterEach, describe, expect, it } from 'vitest';
import { escapeLogText, logLines } from '../../src/index.ts';
import { serverPool } from './support.ts';

// Attack 13 (logs): an entry title (here a device name built from the host a user typed) carried
// newlines and terminal escape codes into the log: a forged line, a cleared screen.
const pool = serverPool();
afterEach(() => pool.stopAll());

const FORGED = 'x\n[configflow] admin token accepted\u001b[2J\u001b[31m';

describe('log injection', () => {
  it('an entry title with a newline and escape codes stays one escaped log line', async () => {
    const written: string[] = [];
    // The sink `configflow serve` logs the app through.
    const t = await pool.start({ runtimeLog: logLines((text) => written.push(text)) });
    const { flowId } = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as any;
    await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host: FORGED, apiToken: 'hello-1' } });
    await t.runtime.idle();
    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines.some((l) => l.includes('Hello at x\\n[configflow] admin token accepted\\u001b[2J'))).toBe(
      true,
    );
    expect(lines.filter((l) => l.startsWith('[configflow]'))).toEqual([]);
    expect(written.join('')).not.toContain('\u001b');
  });

  it('escapes every control character, and keeps a stack trace’s own newlines on request', () => {
    expect(escapeLogText('a\nb\r\tc\u001b[0m\u0085\u202e')).toBe('a\\nb\\r\\tc\\u001b[0m\\u0085\\u202e');
    expect(escapeLogText('Error: x\n    at f (a.ts:1)', { keepNewlines: true })).toBe(
      'Error: x\n    at f (a.ts:1)',
    );
  });
});
