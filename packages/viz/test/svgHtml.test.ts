import { createHelloFlow } from '@configflow/example-hello';
import { describe, expect, it } from 'vitest';
import { createKitchenFlow } from '../../core/test/flows.ts';
import { toHtml, toSvg } from '../src/index.ts';
import { xmlProblems } from './xml.ts';

const count = (s: string, needle: string) => s.split(needle).length - 1;

describe('toSvg', () => {
  it('is a well-formed standalone SVG with every state', async () => {
    const svg = await toSvg(createKitchenFlow());
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const id of [
      'start',
      'name',
      'name.idle',
      'name.running',
      'work',
      'create_entry',
      'abort_unknown',
    ]) {
      expect(svg).toContain(`data-id="${id}"`);
    }
    // Ends are drawn with a double border and their own class.
    expect(count(svg, 'cf-end-abort"')).toBe(5);
    expect(count(svg, 'cf-end-create_entry"')).toBe(1);
    expect(svg).toContain('marker-end="url(#cf-arrow-kitchen)"');
  });

  it('draws compound steps around their substates', async () => {
    const svg = await toSvg(createHelloFlow());
    const rect = (id: string) => {
      const at = svg.indexOf(`data-id="${id}"`);
      const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg.slice(at));
      return m!.slice(1).map(Number) as [number, number, number, number];
    };
    const [px, py, pw, ph] = rect('user');
    for (const child of ['user.idle', 'user.running']) {
      const [x, y, w, h] = rect(child);
      expect(x).toBeGreaterThanOrEqual(px);
      expect(y).toBeGreaterThanOrEqual(py);
      expect(x + w).toBeLessThanOrEqual(px + pw);
      expect(y + h).toBeLessThanOrEqual(py + ph);
    }
  });

  it('marks the highlighted state, and refuses an unknown one', async () => {
    const svg = await toSvg(createHelloFlow(), { highlight: 'reauth_confirm' });
    expect(svg).toMatch(/class="[^"]*current" data-id="reauth_confirm"/);
    expect(count(svg, ' current"')).toBe(1);
    await expect(toSvg(createHelloFlow(), { highlight: 'nope' })).rejects.toThrow(/no such state/);
  });
});

describe('toHtml', () => {
  it('is self-contained: inline SVG, CSS and script, no URLs', async () => {
    const html = await toHtml(createHelloFlow());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg class="cf-chart"');
    expect(html).toContain('<style>');
    expect(html).toContain('window.configflowHighlight = highlight;');
    expect(html).not.toMatch(/https?:|\bsrc=|\bhref=|@import|url\((?!#)/);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(xmlProblems(svg)).toEqual([]);
  });

  it('highlights the current step with the class `current`', async () => {
    const html = await toHtml(createHelloFlow(), { highlight: 'user' });
    expect(html).toMatch(/class="[^"]*current" data-id="user"/);
    expect(count(html, ' current"')).toBe(1);
  });

  it('moves the highlight from the inline script', async () => {
    const html = await toHtml(createHelloFlow(), { highlight: 'user' });
    const script = html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>'));
    // A stand-in DOM: just the nodes' data-id and class lists the script touches.
    const nodes = ['user', 'user.idle', 'reauth_confirm'].map((id) => {
      const classes = new Set(id === 'user' ? ['cf-node', 'current'] : ['cf-node']);
      return {
        classes,
        getAttribute: () => id,
        classList: { toggle: (c: string, on: boolean) => (on ? classes.add(c) : classes.delete(c)) },
      };
    });
    const window: { configflowHighlight?: (id: string | null) => boolean } = {};
    const document = { querySelectorAll: () => nodes };
    new Function('window', 'document', script)(window, document);
    expect(window.configflowHighlight!('reauth_confirm')).toBe(true);
    expect(nodes.map((n) => n.classes.has('current'))).toEqual([false, false, true]);
    expect(window.configflowHighlight!('missing')).toBe(false);
    expect(nodes.some((n) => n.classes.has('current'))).toBe(false);
  });
});
