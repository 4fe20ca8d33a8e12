import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, or the one `scripts/ensure-browser.mjs` was pointed at. */
export const CHROMIUM = process.env.CONFIGFLOW_CHROMIUM || '/usr/bin/chromium';

/** Runs wherever Chromium is installed, and always in CI (a missing browser fails there). */
export const browserSkipReason =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI always runs this test`
    : undefined;

export type Renderer = 'rjsf' | 'jsonForms';

const ENTRIES: Record<Renderer, string> = {
  rjsf: join(import.meta.dirname, 'rjsfPage.js'),
  jsonForms: join(import.meta.dirname, 'jsonFormsPage.js'),
};

const bundles = new Map<Renderer, Promise<string>>();

/** The renderer's test page as one script, bundled by esbuild from the installed packages (no dev server). */
function bundle(renderer: Renderer): Promise<string> {
  let script = bundles.get(renderer);
  if (!script) {
    script = build({
      entryPoints: [ENTRIES[renderer]],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      minify: true,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    }).then((out) => out.outputFiles[0]!.text);
    bundles.set(renderer, script);
  }
  return script;
}

export interface RendererBrowser {
  /** A fresh page with `exported` drawn by the renderer; `problems` collects console errors and page errors. */
  open(renderer: Renderer, exported: unknown): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function launchRendererBrowser(): Promise<RendererBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'configflow-renderers-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  context.setDefaultTimeout(10_000);
  return {
    async open(renderer, exported) {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      const script = await bundle(renderer);
      // JSON in a <script>: "<" escaped so no string in the form can end the element.
      const data = JSON.stringify(exported).replace(/</g, '\\u003c');
      await page.setContent(
        `<!doctype html><html><body><div id="app"></div><script>window.__EXPORT__ = ${data};</script><script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`,
      );
      return { page, problems };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What the page's submit handed on (in order), and the validation errors of the last attempt. */
export async function submitted(page: Page): Promise<{ data: unknown[]; errors: Record<string, string>[] }> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { __submitted: unknown[]; __errors: Record<string, string>[] };
    return { data: w.__submitted, errors: w.__errors };
  });
}
