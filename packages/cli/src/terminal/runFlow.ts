import { type FlowManager, type FlowResult, InvalidInput, type Source, UnknownFlow } from '@configflow/core';
import type { FormDescription } from '@configflow/forms';
import { askForm } from './askForm.ts';
import { FlowEvents } from './flowEvents.ts';
import { FlowTexts } from './flowTexts.ts';
import { Cancelled, type TerminalIO } from './io.ts';

export interface RunFlowOptions {
  manager: FlowManager;
  handler: string;
  source?: Source;
  entryId?: string;
  io: TerminalIO;
  /** Ctrl-C outside a prompt (while a progress step runs): aborts the flow like a cancelled prompt. */
  signal?: AbortSignal;
  locale?: string;
  /**
   * Opens the flow; by default `manager.init(handler, { source, entryId })`. A reauth passes the
   * entry runtime's, which hands back the reauth flow already open for the entry.
   */
  open?: () => Promise<FlowResult>;
}

export type RunFlowOutcome =
  | { type: 'create_entry'; result: FlowResult }
  /** `ok`: an abort that is a success (`reauth_successful`, `reconfigure_successful`). */
  | { type: 'abort'; result: FlowResult; ok: boolean }
  | { type: 'cancelled'; flowId?: string };

/**
 * Drives one flow from its first step to its end through `io`: forms field by field, menus as a
 * choice, progress as a spinner fed by the manager's events, external steps as a URL and a paste.
 * The flow lives in the manager (and its store), not here: this only renders and submits.
 */
export async function runFlow(opts: RunFlowOptions): Promise<RunFlowOutcome> {
  const { manager, handler, io, signal } = opts;
  const root = manager.getFlowDefinition(handler);
  const definition = opts.source === 'options' ? root.options : root;
  const texts = new FlowTexts(definition, opts.locale);
  const events = new FlowEvents(manager, handler);
  let flowId: string | undefined;

  /** `configure`, except that a flow ended by someone else reports how it ended. */
  const configure = async (input?: unknown): Promise<FlowResult> => {
    try {
      const result = await manager.configure(flowId!, input);
      events.seen(result);
      return result;
    } catch (error) {
      const ended = error instanceof UnknownFlow ? events.ended() : undefined;
      if (ended) return ended;
      throw error;
    }
  };

  io.intro(texts.flowTitle(handler, root.title));
  try {
    const opened = await (opts.open
      ? opts.open()
      : manager.init(handler, {
          source: opts.source ?? 'user',
          ...(opts.entryId !== undefined ? { entryId: opts.entryId } : {}),
        }));
    events.seen(opened);
    flowId = opened.flowId;
    let result = opened;
    // The last answers per step: a re-shown step (handler errors) starts from them.
    const answers = new Map<string, Record<string, unknown>>();

    for (;;) {
      signal?.throwIfAborted();
      const ph = result.descriptionPlaceholders;
      switch (result.type) {
        case 'create_entry': {
          const title = result.title || result.entry?.title || handler;
          io.outro(opts.source === 'options' ? `Saved the options of ${title}` : `Created ${title}`, true);
          return { type: 'create_entry', result };
        }
        case 'abort': {
          const ok = result.reason?.endsWith('_successful') ?? false;
          io.outro(texts.abort(result.reason ?? 'unknown', ph), ok);
          return { type: 'abort', result, ok };
        }
        case 'form':
        case 'external': {
          const form = result.form as FormDescription;
          if (result.type === 'external') {
            io.heading(texts.text(form.title, ph));
            if (form.description) io.info(texts.text(form.description, ph));
            io.info(`Open this address in a browser, then paste what it gives you below:\n${result.url}`);
          }
          let errors = result.errors;
          let previous = answers.get(result.stepId);
          let next: FlowResult | undefined;
          while (!next) {
            const input = await askForm({
              io,
              texts,
              form,
              ...(ph ? { placeholders: ph } : {}),
              ...(errors ? { errors } : {}),
              ...(previous ? { previous } : {}),
              bare: result.type === 'external',
            });
            answers.set(result.stepId, input);
            try {
              next = await configure(input);
            } catch (error) {
              if (!(error instanceof InvalidInput)) throw error;
              // Nothing changed on the server: ask the failing fields again, beside their errors.
              errors = error.errors;
              previous = input;
            }
          }
          result = next;
          break;
        }
        case 'menu': {
          const stepId = result.stepId;
          const description = texts.stepDescription(stepId, ph);
          if (description) io.info(description);
          const choice = await io.select({
            field: '',
            message: texts.stepTitle(stepId, ph),
            options: (result.menuOptions ?? []).map((option) => ({
              value: option,
              label: texts.menuOption(stepId, option, ph),
            })),
          });
          result = await configure({ nextStepId: choice });
          break;
        }
        case 'progress':
          result = await waitForProgress(result, events, io, texts, signal);
          break;
        default:
          // progress_done / external_done: the flow moved on by itself; render where it is now.
          result = await configure();
      }
    }
  } catch (error) {
    if (!(error instanceof Cancelled) && !signal?.aborted) throw error;
    if (flowId !== undefined) await manager.abort(flowId).catch(() => {});
    io.outro('Cancelled: the flow was aborted', false);
    return { type: 'cancelled', ...(flowId !== undefined ? { flowId } : {}) };
  } finally {
    events.close();
  }
}

/** Shows a spinner with the step's progress until the flow leaves its progress steps. */
async function waitForProgress(
  first: FlowResult,
  events: FlowEvents,
  io: TerminalIO,
  texts: FlowTexts,
  signal: AbortSignal | undefined,
): Promise<FlowResult> {
  const action = (r: FlowResult) => texts.progress(r.progressAction ?? '', r.descriptionPlaceholders);
  const label = (r: FlowResult) =>
    r.progress === undefined ? action(r) : `${action(r)} ${Math.round(r.progress * 100)}%`;
  const spinner = io.spinner();
  let current = first;
  spinner.start(label(first));
  try {
    for (;;) {
      const event = await events.next(signal);
      const r = event.result;
      if (event.type === 'progress' || (event.type === 'progressed' && r.type === 'progress')) {
        current = r;
        spinner.update(label(r));
      } else if (event.type === 'ended' || (event.type === 'progressed' && r.type !== 'progress_done')) {
        spinner.stop(action(current));
        return r;
      }
    }
  } catch (error) {
    spinner.stop(`${action(current)} (interrupted)`);
    throw error;
  }
}
