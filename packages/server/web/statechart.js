// The flow's statechart (drawn by @configflow/viz on the server): its steps and the edges between them,
// the current step marked, with zoom. At "fit" it fills the panel but never shrinks text below 10 px.

import { api } from './api.js';

const cache = new Map();

/** The SVG for a handler's flow from one source (`user`, `reauth`, `options`, …), fetched once. */
function chartFor(handler, source) {
  const key = `${handler}\u0000${source}`;
  if (!cache.has(key)) {
    const query = new URLSearchParams({ format: 'svg', flow: source, view: 'steps' });
    const request = api(`/api/handlers/${encodeURIComponent(handler)}/statechart?${query}`);
    request.catch(() => cache.delete(key));
    cache.set(key, request);
  }
  return cache.get(key);
}

const FONT_PX = 11; // viz's node font size in SVG units
const MIN_FONT_PX = 10;
const STEP = 1.25;

export class Statechart {
  /** `controls`: an element holding buttons with `data-zoom` = `in`, `out` or `fit`. */
  constructor(container, controls) {
    this.container = container;
    this.key = undefined;
    this.zoom = undefined; // undefined = fit
    controls?.addEventListener('click', (e) => {
      const action = e.target.closest('[data-zoom]')?.dataset.zoom;
      if (!action) return;
      const now = this.scale();
      this.zoom = action === 'fit' ? undefined : action === 'in' ? now * STEP : Math.max(0.3, now / STEP);
      this.applyZoom();
    });
  }

  /** The scale "fit" uses: the panel's width, but labels stay at least MIN_FONT_PX tall. */
  fitScale(svg) {
    const natural = svg.viewBox.baseVal.width || 1;
    const room = this.container.clientWidth || natural;
    return Math.min(1.2, Math.max(MIN_FONT_PX / FONT_PX, room / natural));
  }

  scale() {
    const svg = this.container.querySelector('svg');
    return this.zoom ?? (svg ? this.fitScale(svg) : 1);
  }

  applyZoom() {
    const svg = this.container.querySelector('svg');
    if (!svg) return;
    const scale = this.scale();
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    svg.style.width = `${svg.viewBox.baseVal.width * scale}px`;
    svg.style.height = `${svg.viewBox.baseVal.height * scale}px`;
    this.container.dataset.zoom = String(Math.round(scale * 100) / 100);
    this.container
      .querySelector('.cf-node.current')
      ?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }

  /** Shows the chart for this flow and marks `stepId` (CSS class `current` on its node). */
  async show(handler, source, stepId) {
    const key = `${handler}\u0000${source}`;
    if (this.key !== key) {
      this.key = key;
      this.container.replaceChildren();
      try {
        const svg = await chartFor(handler, source);
        if (this.key !== key) return;
        // Markup from our own server (viz escapes every label); parsed as SVG, never as HTML.
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        const root = doc.documentElement;
        if (root.nodeName !== 'svg') throw new Error('not an SVG');
        this.container.replaceChildren(document.importNode(root, true));
        this.zoom = undefined;
        this.applyZoom();
      } catch {
        this.container.textContent = 'The statechart could not be drawn.';
      }
    }
    this.highlight(stepId);
  }

  highlight(stepId) {
    this.container.dataset.currentStep = stepId ?? '';
    for (const node of this.container.querySelectorAll('.cf-node.current')) node.classList.remove('current');
    if (!stepId) return;
    for (const node of this.container.querySelectorAll('.cf-node')) {
      if (node.getAttribute('data-id') === stepId) {
        node.classList.add('current');
        node.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
      }
    }
  }

  clear() {
    this.key = undefined;
    this.container.replaceChildren();
    this.container.dataset.currentStep = '';
  }
}
