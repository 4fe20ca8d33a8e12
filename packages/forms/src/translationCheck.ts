import {
  abortKey,
  errorKey,
  fieldHelpKey,
  fieldLabelKey,
  lookup,
  menuOptionKey,
  placeholdersIn,
  progressKey,
  type Strings,
  stepDescriptionKey,
  stepTitleKey,
} from './strings.ts';

export interface TranslationSpecStep {
  stepId: string;
  fields?: string[];
  menuOptions?: string[];
  /** Description placeholders the step passes; every one must be used, and nothing else may be. */
  placeholders?: string[];
}

/** What a flow can show: the keys its strings.json must provide. */
export interface TranslationSpec {
  kind?: 'config' | 'options';
  steps: TranslationSpecStep[];
  errors: string[];
  aborts: string[];
  progressActions?: string[];
  /** Also require `data_description.<field>` (HA's config-flow quality rule). Default false. */
  requireFieldDescriptions?: boolean;
}

export interface TranslationProblem {
  problem: 'missing' | 'undeclared_placeholder' | 'unused_placeholder';
  locale: string;
  key: string;
  placeholder?: string;
  message: string;
}

const SOURCE_LOCALE = 'en';

/** The texts HA substitutes description placeholders into: step title, description, field descriptions. */
function stepTexts(tree: unknown, kind: string | undefined, stepId: string): [key: string, text: string][] {
  const out: [string, string][] = [];
  for (const key of [stepTitleKey(kind, stepId), stepDescriptionKey(kind, stepId)]) {
    const text = lookup(tree, key);
    if (text !== undefined) out.push([key, text]);
  }
  const helpPrefix = fieldHelpKey(kind, stepId, '');
  const helps = lookupNode(tree, helpPrefix.slice(0, -1));
  for (const [field, text] of Object.entries(helps ?? {})) {
    if (typeof text === 'string') out.push([helpPrefix + field, text]);
  }
  return out;
}

function lookupNode(tree: unknown, key: string): Record<string, unknown> | undefined {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/**
 * Checks strings against what the flow shows, like HA's `check_translations` test fixture. Missing keys
 * are checked in `en` only (other locales fall back to it); placeholders are checked in every locale.
 */
export function checkTranslations(strings: Strings, spec: TranslationSpec): TranslationProblem[] {
  const problems: TranslationProblem[] = [];
  const source = Object.hasOwn(strings, SOURCE_LOCALE) ? strings[SOURCE_LOCALE] : undefined;
  const kind = spec.kind;
  const require = (key: string, what: string) => {
    if (lookup(source, key) === undefined) {
      problems.push({ problem: 'missing', locale: SOURCE_LOCALE, key, message: `missing ${what}: ${key}` });
    }
  };

  for (const step of spec.steps) {
    const id = step.stepId;
    require(stepTitleKey(kind, id), `title of step "${id}"`);
    for (const f of step.fields ?? []) {
      require(fieldLabelKey(kind, id, f), `label of field "${f}"`);
      if (spec.requireFieldDescriptions) require(fieldHelpKey(kind, id, f), `description of field "${f}"`);
    }
    for (const o of step.menuOptions ?? [])
      require(menuOptionKey(kind, id, o), `label of menu option "${o}"`);

    const declared = new Set(step.placeholders ?? []);
    for (const [locale, tree] of Object.entries(strings)) {
      const used = new Set<string>();
      for (const [key, text] of stepTexts(tree, kind, id)) {
        for (const p of placeholdersIn(text)) {
          used.add(p);
          if (!declared.has(p)) {
            problems.push({
              problem: 'undeclared_placeholder',
              locale,
              key,
              placeholder: p,
              message: `${locale} ${key} uses placeholder {${p}} that step "${id}" does not declare`,
            });
          }
        }
      }
      if (locale !== SOURCE_LOCALE) continue;
      for (const p of declared) {
        if (!used.has(p)) {
          problems.push({
            problem: 'unused_placeholder',
            locale,
            key: stepDescriptionKey(kind, id),
            placeholder: p,
            message: `step "${id}" declares placeholder {${p}} but no ${locale} text of the step uses it`,
          });
        }
      }
    }
  }
  for (const e of spec.errors) require(errorKey(kind, e), `error "${e}"`);
  for (const a of spec.aborts) require(abortKey(kind, a), `abort reason "${a}"`);
  for (const p of spec.progressActions ?? []) require(progressKey(kind, p), `progress action "${p}"`);
  return problems;
}

export class TranslationProblems extends Error {
  override readonly name = 'TranslationProblems';
  constructor(readonly problems: TranslationProblem[]) {
    super(`${problems.length} translation problem(s):\n${problems.map((p) => `- ${p.message}`).join('\n')}`);
  }
}

/** Throws TranslationProblems listing every problem; meant for a flow's own test suite. */
export function assertTranslations(strings: Strings, spec: TranslationSpec): void {
  const problems = checkTranslations(strings, spec);
  if (problems.length > 0) throw new TranslationProblems(problems);
}
