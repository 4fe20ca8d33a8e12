import type { Readable, Writable } from 'node:stream';
import { styleText } from 'node:util';
import * as clack from '@clack/prompts';
import { Cancelled, type PromptBase, promptLine, type Spinner, type TerminalIO } from './io.ts';
import { terminalSpinner } from './spinner.ts';

export interface ClackIOOptions {
  input?: Readable;
  output?: Writable;
  /** Cancels the prompt on screen (SIGINT from outside, not a keypress). */
  signal?: AbortSignal;
}

/** The terminal as @clack/prompts draws it. A cancelled prompt (Ctrl-C, Escape) throws `Cancelled`. */
export function clackIO(opts: ClackIOOptions = {}): TerminalIO {
  const common = {
    ...(opts.input ? { input: opts.input } : {}),
    ...(opts.output ? { output: opts.output } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const out = { ...(opts.output ? { output: opts.output } : {}) };
  const answered = <T>(value: T): Exclude<T, symbol> => {
    if (clack.isCancel(value)) throw new Cancelled();
    return value as Exclude<T, symbol>;
  };
  // The error sits beside the label in red; help goes on a dim line under it.
  const message = (p: PromptBase) => {
    const head = p.error ? `${p.message}  ${styleText('red', `✗ ${p.error}`)}` : promptLine(p);
    return p.help ? `${head}\n${styleText('gray', clack.S_BAR)}  ${styleText('dim', p.help)}` : head;
  };
  // clack's validate gets `undefined` for an empty line.
  const check = (validate?: (v: string) => string | undefined) =>
    validate ? (v: string | undefined) => validate(v ?? '') : undefined;

  return {
    intro: (text) => clack.intro(styleText('inverse', ` ${text} `), out),
    outro: (text, ok) => (ok ? clack.outro(text, out) : clack.cancel(text, out)),
    heading: (text) => clack.log.step(styleText('bold', text), out),
    info: (text) => clack.log.info(text, out),
    error: (text) => clack.log.error(styleText('red', text), out),
    async text(p) {
      const value = await clack.text({
        ...common,
        message: message(p),
        ...(p.initial !== undefined ? { initialValue: p.initial } : {}),
        ...(p.placeholder !== undefined ? { placeholder: p.placeholder } : {}),
        ...(p.validate ? { validate: check(p.validate) } : {}),
      });
      return answered(value) ?? '';
    },
    async multiline(p) {
      const value = await clack.multiline({
        ...common,
        message: message(p),
        ...(p.initial !== undefined ? { initialValue: p.initial } : {}),
        ...(p.validate ? { validate: check(p.validate) } : {}),
      });
      return answered(value) ?? '';
    },
    async password(p) {
      const value = await clack.password({
        ...common,
        message: message(p),
        ...(p.validate ? { validate: check(p.validate) } : {}),
      });
      return answered(value) ?? '';
    },
    async confirm(p) {
      return answered(await clack.confirm({ ...common, message: message(p), initialValue: p.initial }));
    },
    async select(p) {
      const value = await clack.select<string>({
        ...common,
        message: message(p),
        options: p.options.map((o) => ({
          value: o.value,
          label: o.label,
          ...(o.hint ? { hint: o.hint } : {}),
        })),
        ...(p.initial !== undefined && p.options.some((o) => o.value === p.initial)
          ? { initialValue: p.initial }
          : {}),
      });
      return answered(value);
    },
    async multiselect(p) {
      const value = await clack.multiselect<string>({
        ...common,
        message: message(p),
        options: p.options.map((o) => ({ value: o.value, label: o.label })),
        initialValues: p.initial.filter((v) => p.options.some((o) => o.value === v)),
        required: p.required,
      });
      return answered(value);
    },
    spinner: (): Spinner => terminalSpinner(opts.output ?? process.stdout),
  };
}
