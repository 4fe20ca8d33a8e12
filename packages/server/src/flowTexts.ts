import type { ConfigFlow, FlowManager, FlowResult } from '@configflow/core';
import {
  abortKey,
  errorKey,
  humanize,
  menuOptionKey,
  progressKey,
  stepDescriptionKey,
  stepTitleKey,
  translate,
  VALIDATION_ERROR_TEXT,
} from '@configflow/forms';

/**
 * Display texts for the keys a result carries (error keys, abort reason, menu options, progress
 * action), resolved from the flow's strings with a fallback, so a renderer needs no strings of its own.
 */
export interface FlowTexts {
  title: string;
  description?: string;
  errors?: Record<string, string>;
  abort?: string;
  menuOptions?: Record<string, string>;
  progress?: string;
}

/** A flow result as the API sends it: the engine's result plus `texts`. */
export type FlowResultView = FlowResult & { texts: FlowTexts };

/** The flow definition a result belongs to (the options flow for `options` results). */
export function definitionOf(manager: FlowManager, handler: string, source: string): ConfigFlow | undefined {
  const root = manager.handlerList().find((f) => f.domain === handler);
  return source === 'options' ? root?.options : root;
}

/** Error keys as display texts: the flow's strings, else the built-in text, else the humanised key. */
export function errorTexts(
  flow: ConfigFlow | undefined,
  errors: Record<string, string>,
  placeholders?: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(errors)) {
    out[field] = translate(
      flow?.strings,
      'en',
      errorKey(flow?.kind, key),
      (VALIDATION_ERROR_TEXT as Record<string, string>)[key] ?? humanize(key),
      placeholders,
    );
  }
  return out;
}

export function withTexts(manager: FlowManager, result: FlowResult): FlowResultView {
  const flow = definitionOf(manager, result.handler, result.source);
  const kind = flow?.kind;
  const strings = flow?.strings;
  const ph = result.descriptionPlaceholders;
  const t = (key: string, fallback: string) => translate(strings, 'en', key, fallback, ph);
  const texts: FlowTexts = { title: t(stepTitleKey(kind, result.stepId), humanize(result.stepId)) };
  const description = translate(strings, 'en', stepDescriptionKey(kind, result.stepId), '', ph);
  if (description) texts.description = description;
  if (result.errors) texts.errors = errorTexts(flow, result.errors, ph);
  if (result.type === 'abort' && result.reason)
    texts.abort = t(abortKey(kind, result.reason), humanize(result.reason));
  if (result.menuOptions) {
    texts.menuOptions = Object.fromEntries(
      result.menuOptions.map((o) => [o, t(menuOptionKey(kind, result.stepId, o), humanize(o))]),
    );
  }
  if (result.progressAction)
    texts.progress = t(progressKey(kind, result.progressAction), humanize(result.progressAction));
  return { ...result, texts };
}
