// The flow dialog: renders any flow result (form, menu, progress, external, end) next to its statechart.
import { ApiError, api } from './api.js';
import { el, text } from './dom.js';
import { renderForm } from './formRenderer.js';
import { Statechart } from './statechart.js';

const OPEN_FLOW_KEY = 'configflow.openFlow';

/** The flow this tab had open, so a reload (or Back) resumes it instead of leaving a stray row. */
export function rememberedFlow() {
  return sessionStorage.getItem(OPEN_FLOW_KEY) ?? undefined;
}

/** Home Assistant's convention: a flow that updated an entry ends with an abort named `<what>_successful`. */
export function isSuccess(result) {
  return (
    result.type === 'create_entry' || (result.type === 'abort' && /_successful$/.test(result.reason ?? ''))
  );
}

/** The chart node an end result stands on. */
function chartStep(result) {
  if (result.type === 'create_entry') return 'create_entry';
  if (result.type === 'abort') return `abort_${result.reason}`;
  return result.stepId;
}

export class FlowDialog {
  /** `keepOnClose(result)`: whether closing leaves the flow in progress (a reauth the entry needs). */
  constructor(root, { onChange, toast, keepOnClose = () => false }) {
    this.keepOnClose = keepOnClose;
    this.root = root;
    this.body = root.querySelector('[data-testid="flow-body"]');
    this.title = root.querySelector('[data-testid="flow-title"]');
    this.handler = root.querySelector('[data-testid="flow-handler"]');
    this.chart = new Statechart(
      root.querySelector('[data-testid="flow-statechart"]'),
      root.querySelector('[data-testid="chart-zoom"]'),
    );
    this.onChange = onChange;
    this.toast = toast;
    this.result = undefined;
    this.busy = false;
    root.querySelector('[data-testid="flow-close"]').addEventListener('click', () => this.close());
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  get flowId() {
    return this.root.hidden ? undefined : this.result?.flowId;
  }

  /** Opens the dialog on a result from the API (a new flow, or one picked up again). */
  open(result) {
    this.root.hidden = false;
    this.show(result);
  }

  /**
   * Leaves the flow: it is aborted, unless it is the reauth an entry needs (that one stays for the
   * entry's button). A reauth the user asked for on a working entry is aborted like any other.
   */
  async close() {
    const result = this.result;
    this.root.hidden = true;
    this.chart.clear();
    this.result = undefined;
    sessionStorage.removeItem(OPEN_FLOW_KEY);
    if (result && isOpen(result) && !this.keepOnClose(result)) {
      await api(`/api/flows/${encodeURIComponent(result.flowId)}`, { method: 'DELETE' }).catch(() => {});
    }
    this.onChange();
  }

  /** Server-sent flow events for the open flow: live progress, steps taken elsewhere, the end. */
  onEvent(type, data) {
    if (!this.flowId || data.flowId !== this.flowId) return;
    if (type === 'progress') {
      const bar = this.body.querySelector('[data-testid="progress-bar"]');
      if (bar && typeof data.result.progress === 'number') {
        bar.value = data.result.progress;
        bar.textContent = `${Math.round(data.result.progress * 100)} %`;
      }
      return;
    }
    // Markers that a progress or external step finished: the flow's own `progressed` event (or our
    // response) carries the step that follows, so there is nothing to draw for them.
    if (data.result.type === 'progress_done' || data.result.type === 'external_done') return;
    // Our own submissions arrive here too; the response already showed them.
    if (this.busy || sameStep(this.result, data.result)) return;
    this.show(data.result);
  }

  /** Reads the flow again (after the event stream reconnects, events may have been missed). */
  async resync() {
    if (!this.flowId) return;
    try {
      this.show(await api(`/api/flows/${encodeURIComponent(this.flowId)}`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        this.body.replaceChildren(ended('This flow has ended.'));
    }
  }

  show(result) {
    this.result = result;
    if (isOpen(result)) sessionStorage.setItem(OPEN_FLOW_KEY, result.flowId);
    else sessionStorage.removeItem(OPEN_FLOW_KEY);
    this.root.dataset.resultType = result.type;
    this.root.dataset.stepId = result.stepId;
    this.handler.textContent = `${result.handler} · ${result.source}`;
    this.title.textContent = result.form ? text(result.form.title) : (result.texts?.title ?? result.stepId);
    void this.chart.show(result.handler, result.source, chartStep(result));
    this.body.replaceChildren(...this.render(result).filter(Boolean));
    this.body.querySelector('input:not([type=hidden]),select,textarea,button')?.focus();
  }

  render(result) {
    const description = result.form?.description ? text(result.form.description) : result.texts?.description;
    const intro = description
      ? el('p', { className: 'description', 'data-testid': 'flow-description' }, description)
      : null;
    switch (result.type) {
      case 'form':
        return [intro, this.formView(result, 'Submit')];
      case 'external':
        return [
          intro,
          el(
            'div',
            { className: 'external' },
            el(
              'p',
              {},
              'Sign in on the page below; it opens in a new tab. Then paste the address it ends on here.',
            ),
            el(
              'a',
              {
                href: result.url,
                target: '_blank',
                rel: 'noopener noreferrer',
                className: 'button primary',
                'data-testid': 'external-link',
              },
              'Open the sign-in page ↗',
            ),
          ),
          this.formView(result, 'Continue'),
        ];
      case 'menu':
        return [
          intro,
          el(
            'div',
            { className: 'menu', 'data-testid': 'flow-menu' },
            result.menuOptions.map((option) =>
              el(
                'button',
                {
                  type: 'button',
                  className: 'menu-option',
                  'data-testid': `menu-option-${option}`,
                  onclick: () => this.submit({ nextStepId: option }),
                },
                result.texts?.menuOptions?.[option] ?? option,
              ),
            ),
          ),
        ];
      case 'progress': {
        const bar = el('progress', { max: 1, 'data-testid': 'progress-bar' });
        if (typeof result.progress === 'number') bar.value = result.progress;
        return [
          intro,
          el(
            'div',
            { className: 'progress', 'data-testid': 'flow-progress' },
            el('p', {}, result.texts?.progress ?? result.progressAction ?? 'Working…'),
            bar,
          ),
        ];
      }
      case 'create_entry':
        return [
          el(
            'div',
            { className: 'done success', 'data-testid': 'flow-created' },
            el(
              'p',
              {},
              result.source === 'options'
                ? `Options of “${result.entry?.title ?? ''}” saved.`
                : `Success: “${result.title || result.entry?.title || ''}” is set up.`,
            ),
          ),
          this.closeButton(),
        ];
      case 'abort':
        return [
          el(
            'div',
            {
              className: `done ${isSuccess(result) ? 'success' : 'aborted'}`,
              'data-testid': 'flow-aborted',
              'data-reason': result.reason,
            },
            el('p', {}, result.texts?.abort ?? result.reason),
          ),
          this.closeButton(),
        ];
      default:
        return [el('p', {}, `Unexpected result "${result.type}".`)];
    }
  }

  formView(result, label) {
    const view = renderForm(result.form, {
      errors: result.errors ?? {},
      errorTexts: result.texts?.errors ?? {},
      idPrefix: `flow-${result.stepId}`,
    });
    const submit = el(
      'button',
      { type: 'submit', className: 'primary', 'data-testid': 'flow-submit' },
      label,
    );
    const form = el('form', { novalidate: true }, view.node, el('div', { className: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        await this.submit(view.values(), view);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  closeButton() {
    return el(
      'div',
      { className: 'actions' },
      el(
        'button',
        { type: 'button', className: 'primary', 'data-testid': 'flow-done', onclick: () => this.close() },
        'Close',
      ),
    );
  }

  async submit(input, view) {
    const flowId = this.result.flowId;
    this.busy = true;
    try {
      let next = await api(`/api/flows/${encodeURIComponent(flowId)}`, { method: 'POST', body: input });
      // Home Assistant's external_done only names the step that follows: read it to draw it.
      if (next.type === 'external_done') next = await api(`/api/flows/${encodeURIComponent(flowId)}`);
      if (this.result?.flowId === flowId) this.show(next);
      if (!isOpen(next)) this.onChange();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.body.errors && view) {
        // The input failed the schema: nothing changed on the server, the user's input stays.
        view.showErrors(error.body.errors, error.body.texts?.errors ?? {});
      } else if (error instanceof ApiError && error.status === 404) {
        this.body.replaceChildren(ended('This flow is no longer in progress.'), this.closeButton());
      } else {
        this.toast(error.message);
      }
    } finally {
      this.busy = false;
    }
  }
}

function isOpen(result) {
  return result.type !== 'create_entry' && result.type !== 'abort';
}

function sameStep(a, b) {
  return (
    a &&
    b &&
    a.type === b.type &&
    a.stepId === b.stepId &&
    JSON.stringify(a.errors) === JSON.stringify(b.errors)
  );
}

function ended(message) {
  return el('p', { className: 'done', 'data-testid': 'flow-gone' }, message);
}
