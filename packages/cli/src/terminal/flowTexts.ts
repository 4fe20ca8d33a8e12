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
  VALIDATION_ERROR_TEXT,
} from '@configflow/forms';

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
    const fallback = (VALIDATION_ERROR_TEXT as Record<string, string>)[key] ?? humanize(key);
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
