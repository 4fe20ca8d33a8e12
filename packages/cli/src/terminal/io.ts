/**
 * What the flow driver needs from a terminal. `prompts.ts` implements it with @clack/prompts;
 * `scriptedIO.ts` with a list of answers, so the driver runs and is tested without a TTY.
 */

/** Thrown by a prompt when the user cancels it (Ctrl-C, Escape): the driver aborts the flow. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'Cancelled';
  }
}

export interface PromptBase {
  /** The form field this prompt fills (empty for menus): scripted answers are looked up by it. */
  field: string;
  /** The field's label (with its unit), or the menu's title. */
  message: string;
  /** Help text shown with the prompt. */
  help?: string;
  /** The translated error this field got from the last submission: shown beside the label. */
  error?: string;
}

export interface TextPrompt extends PromptBase {
  /** Pre-filled and editable (a default or a suggested value). */
  initial?: string;
  placeholder?: string;
  /** Returns the text to show under the prompt, or undefined when the value is fine. */
  validate?: (value: string) => string | undefined;
}

export interface PasswordPrompt extends PromptBase {
  validate?: (value: string) => string | undefined;
}

export interface ConfirmPrompt extends PromptBase {
  initial: boolean;
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

export interface SelectPrompt extends PromptBase {
  options: Choice[];
  initial?: string;
}

export interface MultiselectPrompt extends PromptBase {
  options: Choice[];
  initial: string[];
  required: boolean;
}

export interface Spinner {
  start(text: string): void;
  update(text: string): void;
  stop(text: string): void;
}

export interface TerminalIO {
  /** The flow's title, once at the start. */
  intro(text: string): void;
  /** The last line: what the flow ended with. `ok` is false for aborts that are failures. */
  outro(text: string, ok: boolean): void;
  /** A step's title or a section's name. */
  heading(text: string): void;
  /** A step description, a URL to open, a fixed value. */
  info(text: string): void;
  /** An error for the whole form (`base`), or one the driver could not place on a field. */
  error(text: string): void;
  text(p: TextPrompt): Promise<string>;
  /** Multi-line text (the `textarea` widget). */
  multiline(p: TextPrompt): Promise<string>;
  /** Masked input. */
  password(p: PasswordPrompt): Promise<string>;
  confirm(p: ConfirmPrompt): Promise<boolean>;
  select(p: SelectPrompt): Promise<string>;
  multiselect(p: MultiselectPrompt): Promise<string[]>;
  spinner(): Spinner;
}

/** The prompt's first line: the label, and the error beside it when the last submission had one. */
export function promptLine(p: PromptBase): string {
  return p.error ? `${p.message}  ✗ ${p.error}` : p.message;
}
