import type { ConfigFlow, FlowResult } from '@configflow/core';
import {
  checkTranslations,
  type FormDescription,
  sectionNameKey,
  type TranslationProblem,
  TranslationProblems,
  type TranslationSpec,
  translate,
} from '@configflow/forms';

export interface TranslationCheckOptions {
  /** Also require `data_description.<field>` for every field shown (HA's config-flow quality rule). */
  requireFieldDescriptions?: boolean;
}

/** The strings tree a result's texts live under: the options flow has its own. */
export const resultKind = (result: Pick<FlowResult, 'source'>): 'config' | 'options' =>
  result.source === 'options' ? 'options' : 'config';

/**
 * What a single result shows, as a translation spec: the step (title, fields, menu options, the
 * placeholders it passes), the error keys, the abort reason, the progress action.
 */
export function translationSpecFor(result: FlowResult, opts: TranslationCheckOptions = {}): TranslationSpec {
  const kind = resultKind(result);
  const spec: TranslationSpec = { kind, steps: [], errors: [], aborts: [] };
  if (opts.requireFieldDescriptions) spec.requireFieldDescriptions = true;
  const placeholders = Object.keys(result.descriptionPlaceholders ?? {});
  switch (result.type) {
    case 'form':
    case 'external': {
      const form = result.form as FormDescription | undefined;
      spec.steps.push({
        stepId: result.stepId,
        fields: (form?.fields ?? []).map((f) => f.name),
        placeholders,
      });
      spec.errors = [...new Set(Object.values(result.errors ?? {}))];
      break;
    }
    case 'menu':
      spec.steps.push({ stepId: result.stepId, menuOptions: result.menuOptions ?? [], placeholders });
      break;
    case 'progress':
      spec.steps.push({ stepId: result.stepId, placeholders });
      if (result.progressAction) spec.progressActions = [result.progressAction];
      break;
    case 'abort':
      if (result.reason) spec.aborts = [result.reason];
      break;
    default:
      break;
  }
  return spec;
}

/**
 * Every text a result refers to that the flow's `strings` lacks, like Home Assistant's autouse
 * `check_translations` fixture. A placeholder the engine passes but no text uses is not a problem
 * (the engine always passes `{name}` to entry-bound flows); a text using one that is not passed is.
 */
export function resultTranslationProblems(
  flow: ConfigFlow,
  result: FlowResult,
  opts: TranslationCheckOptions = {},
): TranslationProblem[] {
  const spec = translationSpecFor(result, opts);
  if (spec.steps.length === 0 && spec.errors.length === 0 && spec.aborts.length === 0) return [];
  if (!flow.strings) {
    return [
      {
        problem: 'missing',
        locale: 'en',
        key: spec.kind ?? 'config',
        message: `flow "${flow.domain}" has no strings, but its ${result.type} result "${result.stepId}" needs them`,
      },
    ];
  }
  const problems = checkTranslations(flow.strings, spec).filter((p) => p.problem !== 'unused_placeholder');
  // Section headings are texts too; the spec has no slot for them, so check their keys directly.
  const form = result.form as FormDescription | undefined;
  const missing = '\u0000missing';
  for (const section of form?.sections ?? []) {
    const key = sectionNameKey(spec.kind, result.stepId, section.name);
    if (translate(flow.strings, 'en', key, missing) === missing) {
      problems.push({ problem: 'missing', locale: 'en', key, message: `missing section name: ${key}` });
    }
  }
  return problems;
}

/** Throws `TranslationProblems` when a result refers to a text the flow's strings lack. */
export function assertResultTranslated(
  flow: ConfigFlow,
  result: FlowResult,
  opts: TranslationCheckOptions = {},
): void {
  const problems = resultTranslationProblems(flow, result, opts);
  if (problems.length > 0) throw new TranslationProblems(problems);
}
