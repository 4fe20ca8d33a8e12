// Flows should build step schemas with this same zod: field meta lives in its global registry.
export { z } from 'zod';
export { ajvCompileCount, formAjv } from './ajv.ts';
export {
  type CompiledForm,
  type CompileOptions,
  compileForm,
  type FormKey,
  formCacheStats,
  type ValidationResult,
} from './compile.ts';
export type { DescribeOptions, FieldDescriptor, FormDescription } from './describe.ts';
export {
  type FieldErrors,
  InvalidInput,
  VALIDATION_ERROR_KEYS,
  VALIDATION_ERROR_TEXT,
  type ValidationErrorKey,
} from './errors.ts';
export {
  type HaField,
  type HaSchemaEntry,
  type HaSection,
  type HaStepStrings,
  toHomeAssistant,
  toHomeAssistantStrings,
} from './exporters/homeAssistant.ts';
export {
  type JsonFormsControl,
  type JsonFormsExport,
  type JsonFormsGroup,
  type JsonFormsRule,
  type JsonFormsVerticalLayout,
  toJsonForms,
} from './exporters/jsonForms.ts';
export {
  type RjsfExport,
  type RjsfGridElement,
  type RjsfOptions,
  type RjsfUiSchema,
  toRjsf,
} from './exporters/rjsf.ts';
export type { FieldMeta, FormMeta, VisibleWhen, Widget } from './fieldMeta.ts';
export { DEFAULT_LIMITS, type InputLimits } from './inputGuard.ts';
export {
  abortKey,
  errorKey,
  type FlowKind,
  type FlowStrings,
  fieldHelpKey,
  fieldLabelKey,
  humanize,
  menuOptionKey,
  progressKey,
  type SectionStrings,
  type StepStrings,
  type Strings,
  type StringTree,
  sectionNameKey,
  stepDescriptionKey,
  stepTitleKey,
  type Text,
  translate,
} from './strings.ts';
export {
  assertTranslations,
  checkTranslations,
  type TranslationProblem,
  TranslationProblems,
  type TranslationSpec,
  type TranslationSpecStep,
} from './translationCheck.ts';
