// The flow's statechart (drawn by @configflow/viz on the server), with the current step marked.
import { api } from './api.js';

const cache = new Map();

/** The SVG for a handler's flow from one source (`user`, `reauth`, `options`, …), fetched once. */
function chartFor(handler, source) {
  const key = `${handler}\u0000${source}`;
  if (!cache.has(key)) {
    const query = new URLSearchParams({ format: 'svg', flow: source });
    const request = api(`/api/handlers/${encodeURIComponent(handler)}/statechart?${query}`);
    request.catch(() => cache.delete(key));
    cache.set(key, request);
  }
  return cache.get(key);
}

export class Statechart {
  constructor(container) {
    this.container = container;
    this.key = undefined;
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
      if (node.getAttribute('data-id') === stepId) node.classList.add('current');
    }
  }

  clear() {
    this.key = undefined;
    this.container.replaceChildren();
    this.container.dataset.currentStep = '';
  }
}
