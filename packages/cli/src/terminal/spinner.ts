import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { S_BAR, S_STEP_ACTIVE, S_STEP_SUBMIT, unicode } from '@clack/prompts';
import type { Spinner } from './io.ts';

const FRAMES = unicode ? ['◒', '◐', '◓', '◑'] : ['•', 'o', 'O', '0'];

/**
 * A spinner in clack's look. Not clack's own: that one puts stdin in raw mode and calls
 * `process.exit(0)` on Ctrl-C, which would leave the flow open and report success. Here Ctrl-C
 * stays a SIGINT, which the command turns into an abort of the flow and exit code 130.
 */
export function terminalSpinner(output: Writable & { isTTY?: boolean }): Spinner {
  // Redrawing in place only makes sense on a terminal; a log (or CI) gets one line per change.
  const live = output.isTTY === true && process.env.CI !== 'true';
  let text = '';
  let shown = '';
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    output.write(`\r\x1b[2K${styleText('magenta', FRAMES[frame]!)}  ${text}`);
    frame = (frame + 1) % FRAMES.length;
  };
  return {
    start(t) {
      text = t;
      output.write(`${styleText('gray', S_BAR)}\n`);
      if (live) {
        output.write('\x1b[?25l');
        draw();
        timer = setInterval(draw, 80);
      } else {
        output.write(`${styleText('magenta', S_STEP_ACTIVE)}  ${t}\n`);
        shown = t;
      }
    },
    update(t) {
      text = t;
      if (live) draw();
      else if (t !== shown) {
        output.write(`${styleText('gray', S_BAR)}  ${t}\n`);
        shown = t;
      }
    },
    stop(t) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (live) output.write('\r\x1b[2K\x1b[?25h');
      output.write(`${styleText('green', S_STEP_SUBMIT)}  ${t}\n`);
    },
  };
}
