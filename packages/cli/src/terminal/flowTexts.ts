import type { ConfigFlow } from '@configflow/core';
import {
  abortKey,
  errorKey,
  humanize,
  menuOptionKey,
  progressKey,
  type Strings,
  stepDescriptionKey,
  stepTitleKey,
  type Text,
  translate,
} from '@configflow/forms';

/** English fallbacks for the forms layer's built-in validation keys, so a bad number reads as prose. */
const VALIDATION_TEXT: Record<string, string> = {
  required: 'This field is required',
  invalid_type: 'This value has the wrong type',
  too_short: 'Too short',
  too_long: 'Too long',
  too_small: 'Too small',
  too_big: 'Too large',
  too_few: 'Choose more options',
  too_many: 'Choose fewer options',
  not_multiple: 'Not an allowed step for this value',
  not_unique: 'Each option can be chosen once',
  invalid_format: 'The format is not valid',
  invalid_option: 'Not one of the options',
  unknown_field: 'The form got a field it does not know',
  forbidden_key: 'The form got a forbidden key',
  invalid_input: 'The input is not valid',
  invalid: 'This value is not valid',
  unknown: 'Unexpected error',
};

/**
 * The display texts of one flow (config or options tree) in one locale: every key a result carries
 * goes through `translate`, with a readable fallback when the flow's strings lack it.
 */
export class FlowTexts {
  private readonly strings: Strings | undefined;
  private readonly kind: string;

  constructor(
    flow: Pick<ConfigFlow, 'strings' | 'kind'> | undefined,
    private readonly locale = 'en',
  ) {
    this.strings = flow?.strings;
    this.kind = flow?.kind ?? 'config';
  }

  /** A form description's text (label, help, title): its key, else its (already substituted) fallback. */
  text(t: Text, placeholders?: Record<string, string>): string {
    return translate(this.strings, this.locale, t.key, t.fallback, t.placeholders ?? placeholders);
  }

  flowTitle(domain: string, fallback: string): string {
    return translate(this.strings, this.locale, 'title', fallback || humanize(domain));
  }

  stepTitle(stepId: string, placeholders?: Record<string, string>): string {
    return translate(
      this.strings,
      this.locale,
      stepTitleKey(this.kind, stepId),
      humanize(stepId),
      placeholders,
    );
  }

  stepDescription(stepId: string, placeholders?: Record<string, string>): string | undefined {
    const text = translate(
      this.strings,
      this.locale,
      stepDescriptionKey(this.kind, stepId),
      '',
      placeholders,
    );
    return text === '' ? undefined : text;
  }

  error(key: string, placeholders?: Record<string, string>): string {
    const fallback = VALIDATION_TEXT[key] ?? humanize(key);
    return translate(this.strings, this.locale, errorKey(this.kind, key), fallback, placeholders);
  }

  abort(reason: string, placeholders?: Record<string, string>): string {
    return translate(this.strings, this.locale, abortKey(this.kind, reason), humanize(reason), placeholders);
  }

  menuOption(stepId: string, option: string, placeholders?: Record<string, string>): string {
    return translate(
      this.strings,
      this.locale,
      menuOptionKey(this.kind, stepId, option),
      humanize(option),
      placeholders,
    );
  }

  progress(action: string, placeholders?: Record<string, string>): string {
    return translate(this.strings, this.locale, progressKey(this.kind, action), 'Working…', placeholders);
  }
}
