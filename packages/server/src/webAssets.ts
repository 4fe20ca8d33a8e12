import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Everything is self-hosted: scripts, styles and charts come from this origin only. Inline styles
 * are allowed because the statechart SVG carries its own `<style>`.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The web UI: a fixed set of files read once, served by exact name (no path from a URL reaches the disk). */
export function webAssets(dir = WEB_DIR): Hono {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
  }
  const routes = new Hono();
  routes.get('/*', (c, next) => {
    const file = files.get(c.req.path === '/' ? '/index.html' : c.req.path);
    if (!file) return next();
    return c.body(new Uint8Array(file.body), 200, { 'content-type': file.type, ...SECURITY_HEADERS });
  });
  return routes;
}
