/** The full kill -9 harness: `node --import tsx packages/server/test/security/crash/run.ts [trials] [seed]`. */
import { formatFigures, runCrashTrials } from './harness.ts';

const trials = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 13);
const figures = await runCrashTrials(trials, seed);
process.stdout.write(`${formatFigures(figures)}\n`);
const ok =
  figures.lostWrites === 0 &&
  figures.resurrectedDeletes === 0 &&
  figures.forcedSignInsAfterDisk === 0 &&
  figures.staleTempFilesAfterRestart === 0 &&
  figures.childErrors === 0;
process.exit(ok ? 0 : 1);
