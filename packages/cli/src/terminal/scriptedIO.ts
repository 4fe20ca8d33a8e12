import { Cancelled, type PromptBase, promptLine, type Spinner, type TerminalIO } from './io.ts';

/** One scripted answer: a value, or `CANCEL` to press Ctrl-C at that prompt. */
export type ScriptedAnswer = string | boolean | string[] | typeof CANCEL;
export const CANCEL: unique symbol = Symbol('cancel');

/**
 * A terminal without a terminal: prompts take their answers from a list, in order, and everything
 * shown is kept as transcript lines. For tests, and for running a flow from a script.
 */
export class ScriptedIO implements TerminalIO {
  readonly transcript: string[] = [];
  /** The prompts in the order they were asked (validation runs on each answer as the real one would). */
  readonly asked: { kind: string; prompt: PromptBase }[] = [];

  constructor(private readonly answers: ScriptedAnswer[]) {}

  /** Answers not used: a test can assert the flow asked everything it meant to. */
  get remaining(): number {
    return this.answers.length;
  }

  intro(text: string): void {
    this.transcript.push(`┌ ${text}`);
  }
  outro(text: string, ok: boolean): void {
    this.transcript.push(`${ok ? '└' : '■'} ${text}`);
  }
  heading(text: string): void {
    this.transcript.push(`◇ ${text}`);
  }
  info(text: string): void {
    this.transcript.push(`│ ${text}`);
  }
  error(text: string): void {
    this.transcript.push(`▲ ${text}`);
  }

  private take(kind: string, prompt: PromptBase): Exclude<ScriptedAnswer, typeof CANCEL> {
    this.asked.push({ kind, prompt });
    this.transcript.push(`? ${promptLine(prompt)}`);
    if (this.answers.length === 0) throw new Error(`No scripted answer left for "${prompt.field}"`);
    const answer = this.answers.shift()!;
    if (answer === CANCEL) throw new Cancelled();
    return answer;
  }

  /** A typed answer, checked like the prompt would: a rejected one is an error in the script. */
  private typed(
    kind: string,
    p: PromptBase & { validate?: (v: string) => string | undefined },
    mask = false,
  ) {
    const value = String(this.take(kind, p));
    const problem = p.validate?.(value);
    if (problem) throw new Error(`Scripted answer for "${p.field}" rejected: ${problem}`);
    this.transcript.push(`  ${mask ? '▪'.repeat(value.length) : value}`);
    return value;
  }

  async text(p: Parameters<TerminalIO['text']>[0]): Promise<string> {
    return this.typed('text', p);
  }
  async multiline(p: Parameters<TerminalIO['multiline']>[0]): Promise<string> {
    return this.typed('multiline', p);
  }
  async password(p: Parameters<TerminalIO['password']>[0]): Promise<string> {
    return this.typed('password', p, true);
  }
  async confirm(p: Parameters<TerminalIO['confirm']>[0]): Promise<boolean> {
    const value = this.take('confirm', p);
    if (typeof value !== 'boolean') throw new Error(`Scripted answer for "${p.field}" must be a boolean`);
    this.transcript.push(`  ${value ? 'Yes' : 'No'}`);
    return value;
  }
  async select(p: Parameters<TerminalIO['select']>[0]): Promise<string> {
    const value = String(this.take('select', p));
    if (!p.options.some((o) => o.value === value))
      throw new Error(`Scripted answer "${value}" is not an option of "${p.field || p.message}"`);
    this.transcript.push(`  ${p.options.find((o) => o.value === value)!.label}`);
    return value;
  }
  async multiselect(p: Parameters<TerminalIO['multiselect']>[0]): Promise<string[]> {
    const value = this.take('multiselect', p);
    if (!Array.isArray(value)) throw new Error(`Scripted answer for "${p.field}" must be a list`);
    this.transcript.push(`  ${value.join(', ')}`);
    return value;
  }
  spinner(): Spinner {
    return {
      start: (t) => this.transcript.push(`◒ ${t}`),
      update: (t) => this.transcript.push(`◒ ${t}`),
      stop: (t) => this.transcript.push(`◇ ${t}`),
    };
  }
}
