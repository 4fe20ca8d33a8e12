import { type ChartInput, chartGraph } from './chartInput.ts';
import { layoutGraph } from './elkLayout.ts';
import { escapeXml, renderSvg, type SvgOptions } from './svg.ts';

export interface HtmlOptions extends SvgOptions {
  /** The page title; the flow's id by default. */
  title?: string;
}

const PAGE_CSS = [
  'body{margin:0;padding:16px;font:14px system-ui,sans-serif;color:#0f172a;background:#fff}',
  'h1{font-size:16px;margin:0 0 12px}',
  '.cf-legend{display:flex;gap:16px;margin:0 0 12px;font-size:12px;color:#475569}',
  '.cf-wrap{overflow:auto}',
  '.cf-wrap svg{max-width:none;height:auto}',
].join('\n');

// Kept tiny and dependency-free: the web UI calls it with the step a live flow is in.
const SCRIPT = `(function () {
  function highlight(id) {
    var nodes = document.querySelectorAll('.cf-node');
    var found = false;
    for (var i = 0; i < nodes.length; i++) {
      var on = id != null && nodes[i].getAttribute('data-id') === String(id);
      nodes[i].classList.toggle('current', on);
      if (on) found = true;
    }
    return found;
  }
  window.configflowHighlight = highlight;
})();`;

/**
 * A self-contained page showing the chart: inline SVG, CSS and script, nothing fetched.
 * `window.configflowHighlight(stepId)` moves the `current` class for live inspection.
 */
export async function toHtml(input: ChartInput, opts: HtmlOptions = {}): Promise<string> {
  const graph = chartGraph(input, opts);
  // Inline SVG takes its namespace from the HTML parser; dropping xmlns keeps the page URL-free.
  const svg = renderSvg(await layoutGraph(graph), graph, opts.highlight).replace(
    ' xmlns="http://www.w3.org/2000/svg"',
    '',
  );
  const title = opts.title ?? `${graph.id}${opts.source ? ` (${opts.source})` : ''}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>\n${PAGE_CSS}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    '<p class="cf-legend"><span>solid: event or invoke result</span><span>dashed: source picks the first step</span><span>red: error or abort</span><span>green: create_entry</span></p>',
    `<div class="cf-wrap">\n${svg}</div>`,
    `<script>\n${SCRIPT}\n</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
