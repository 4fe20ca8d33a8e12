/** C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: what can forge or hide a log line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text made safe for a line-oriented log: every control character becomes a visible escape (`\n`,
 * `\u001b`), so an entry title or request path cannot start a forged log line, clear the terminal or
 * recolour it. `keepNewlines` leaves `\n` as it is, for a stack trace's own lines.
 */
export function escapeLogText(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === '\n') return opts.keepNewlines ? ch : '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A log sink writing each line escaped and newline-terminated: one call, one physical line. */
export function logLines(write: (text: string) => void): (line: string) => void {
  return (line) => write(`${escapeLogText(line)}\n`);
}
