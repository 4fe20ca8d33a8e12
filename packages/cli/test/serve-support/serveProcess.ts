import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/configflow.js');

export interface ServeProcess {
  child: ChildProcess;
  /** `configflow listening on …` */
  url: string;
  /** `Ford simulator listening on …`, when the embedded simulator runs. */
  simulatorUrl: string | undefined;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Which `configflow` to run, and where: this repo's by default, or an installed one. */
export interface ServeWhere {
  bin?: string;
  cwd?: string;
  /**
   * Another way in than `node <bin> serve`, e.g. `npm start --`; the args follow it. It runs in a
   * process group of its own and `stop` signals the whole group, as a terminal's Ctrl-C does (npm
   * passes no signal on through the shell it runs a script in).
   */
  command?: string[];
}

/** Runs `configflow serve …` as a real process and resolves once it prints its URL. */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  where: ServeWhere = {},
): Promise<ServeProcess> {
  const [file, ...prefix] = where.command ?? [process.execPath, where.bin ?? BIN, 'serve'];
  const group = where.command !== undefined;
  const child = spawn(file!, [...prefix, ...args], {
    detached: group,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(where.cwd ? { cwd: where.cwd } : {}),
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  const handle = (url: string): ServeProcess => ({
    child,
    url,
    simulatorUrl: /Ford simulator listening on (\S+)/.exec(out)?.[1],
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        if (group) process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      return exited;
    },
  });
  return new Promise((resolvePromise, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /configflow listening on (\S+)/.exec(out);
      if (match) resolvePromise(handle(match[1]!));
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    void exited.then((code) =>
      reject(new Error(`configflow serve exited (${code}) before listening:\n${out}\n${err}`)),
    );
  });
}

/** Runs `configflow <args…>` to completion (usage errors, --help, viz, init). */
export function runConfigflow(
  args: string[],
  where: ServeWhere = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [where.bin ?? BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(where.cwd ? { cwd: where.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

/** Runs `configflow serve …` to completion (for usage errors and --help). */
export function runServe(args: string[], where: ServeWhere = {}) {
  return runConfigflow(['serve', ...args], where);
}
