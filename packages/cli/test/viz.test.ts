import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/commands/viz.ts';

async function viz(argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('configflow viz', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'configflow-viz-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws hello as Mermaid by default', async () => {
    const { code, out } = await viz(['hello']);
    expect(code).toBe(0);
    expect(out).toMatch(/^stateDiagram-v2/);
    expect(out).toContain('reauth_confirm');
  });

  it('renders each format', async () => {
    const dot = await viz(['hello', '--format', 'dot']);
    expect(dot.out).toMatch(/^digraph /);
    const svg = await viz(['hello', '--format', 'svg']);
    expect(svg.out).toContain('<svg');
    expect(svg.out).toContain('</svg>');
    const html = await viz(['hello', '--format', 'html']);
    expect(html.out).toMatch(/^<!doctype html>/i);
    expect(html.out).toContain('<svg');
    const json = await viz(['hello', '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ id: 'hello' });
    for (const r of [dot, svg, html, json]) expect(r.code).toBe(0);
  });

  it('restricts to one source, or draws the options flow', async () => {
    const reauth = await viz(['hello', '--flow', 'reauth', '--format', 'mermaid']);
    expect(reauth.code).toBe(0);
    expect(reauth.out).toContain('reauth_confirm');
    expect(reauth.out).not.toContain('reconfigure');
    const options = await viz(['hello', '--options', '--format', 'json']);
    expect(options.code).toBe(0);
    expect(JSON.parse(options.out)).toMatchObject({ id: 'hello_options' });
  });

  it('writes to a file with -o', async () => {
    const file = join(dir, 'hello.svg');
    const { code, out, err } = await viz(['hello', '--format', 'svg', '-o', file]);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toBe(`Wrote ${file}\n`);
    expect(await readFile(file, 'utf8')).toContain('<svg');
  });

  it('explains an unknown domain, format or source, with exit 2', async () => {
    const domain = await viz(['nope']);
    expect(domain.code).toBe(2);
    expect(domain.err).toMatch(/unknown domain "nope" \(known: .*hello/);

    const format = await viz(['hello', '--format', 'png']);
    expect(format.code).toBe(2);
    expect(format.err).toContain('unknown format "png" (use mermaid, dot, svg, html, json)');

    const source = await viz(['hello', '--flow', 'discovery']);
    expect(source.code).toBe(2);
    expect(source.err).toContain(
      'the hello flow has no source "discovery" (it has user, reauth, reconfigure)',
    );

    const optionsSource = await viz(['hello', '--options', '--flow', 'user']);
    expect(optionsSource.err).toContain('the hello options flow has no source "user" (it has options)');

    const usage = await viz([]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: configflow viz <domain>');
  });
});
