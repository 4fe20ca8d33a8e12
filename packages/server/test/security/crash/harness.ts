/**
 * The kill -9 harness: child processes doing durable work (entry creation and deletion; token refresh
 * and reauth against the Ford simulator) are SIGKILLed at random points, then the data dir is read back
 * as a restarted configflow would read it, and every acknowledged write is checked.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonFileEntryStore } from '@configflow/core';
import { type FordSimulator, startFordSimulator } from '@configflow/ford-simulator';
import { FordClient, findRegion, sameOrigin, TokenStore } from '@configflow/fordpass';

const child = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
const CRASH_ACCOUNT = { username: 'crash@example.com', password: 'crash-pass' };

import { tokenId } from './childSupport.ts';

export interface CrashFigures {
  trials: number;
  entryTrials: number;
  tokenTrials: number;
  /** Writes the child reported done before it was killed (entries added or removed, token pairs saved). */
  acknowledgedWrites: number;
  /** Acknowledged writes missing after the restart (an added entry gone, a saved pair replaced by an older one). */
  lostWrites: number;
  lostEntryWrites: number;
  lostTokenWrites: number;
  /** Entries whose removal was acknowledged that are back after the restart. */
  resurrectedDeletes: number;
  /** Restarts whose stored refresh token Ford refused, among those where Ford's newest pair had reached the disk. */
  forcedSignInsAfterDisk: number;
  /** Restarts where Ford had rotated the token but the kill came before the new pair reached the disk. */
  rotationsLostBeforeDisk: number;
  /** Pairs that only a temp file held, and that the restart recovered. */
  recoveredFromTemp: number;
  /** Temp files left in the token folder after the restart (must be 0). */
  staleTempFilesAfterRestart: number;
  /** Children that died by themselves instead of being killed (must be 0). */
  childErrors: number;
}

/** Deterministic pseudo-random numbers for kill points (mulberry32). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs one child until `killAfter` acknowledgements (plus a random sub-millisecond-to-ms pause), then SIGKILLs it. */
function runAndKill(
  args: string[],
  killAfter: number,
  pauseMs: number,
  env: Record<string, string> = {},
): Promise<{ acks: string[]; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [name, ...rest] = args as [string, ...string[]];
    const proc = spawn(process.execPath, ['--import', 'tsx', child(name), ...rest], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const acks: string[] = [];
    let buffer = '';
    let stderr = '';
    let killing = false;
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    proc.stdout.on('data', (c: Buffer) => {
      buffer += c.toString();
      let cut = buffer.indexOf('\n');
      while (cut >= 0) {
        const line = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 1);
        if (line !== 'ready') acks.push(line);
        cut = buffer.indexOf('\n');
      }
      if (!killing && acks.length >= killAfter) {
        killing = true;
        const kill = () => proc.kill('SIGKILL');
        if (pauseMs <= 0) setImmediate(kill);
        else setTimeout(kill, pauseMs);
      }
    });
    proc.once('error', reject);
    proc.once('exit', (_code, signal) => resolve({ acks, killed: signal === 'SIGKILL', stderr }));
  });
}

/** A loopback proxy to the simulator that notes every CAT refresh token Ford hands out, in order. */
async function recordingProxy(
  sim: FordSimulator,
): Promise<{ url: string; issued: string[]; settled(): Promise<void>; close(): Promise<void> }> {
  const issued: string[] = [];
  // Requests Ford may still be answering. A child killed mid-request does not stop Ford: once the
  // whole request reached it, it rotates anyway, so the harness must hear that answer before it
  // reads what Ford issued last (else a pair on disk looks newest when Ford has moved on).
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    let done!: () => void;
    const flight = new Promise<void>((resolve) => {
      done = resolve;
    });
    inFlight.add(flight);
    void flight.then(() => inFlight.delete(flight));
    let sent = false;
    req.once('end', () => {
      sent = true;
    });
    req.once('close', () => {
      // Killed before its request was whole: Ford never sees a complete request, nothing to wait for.
      if (!sent) {
        upstream.destroy();
        done();
      }
    });
    const upstream = request(
      `${sim.url}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(sim.url).host } },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          if (up.statusCode === 200 && /\/api\/token\/v2\/cat-with-/.test(req.url ?? '')) {
            const token = (JSON.parse(body.toString('utf8')) as { refresh_token?: string }).refresh_token;
            // Noted before the child can see it: Ford has rotated, whatever happens to the child next.
            if (token) issued.push(tokenId(token));
          }
          done();
          if (res.destroyed) return;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      done();
      res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    issued,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function entryTrial(dir: string, random: () => number, figures: CrashFigures): Promise<void> {
  const { acks, killed, stderr } = await runAndKill(
    ['entriesChild', dir, String(Math.floor(random() * 1e9))],
    1 + Math.floor(random() * 40),
    random() < 0.5 ? 0 : random() * 3,
  );
  if (!killed) {
    figures.childErrors++;
    process.stderr.write(stderr);
    return;
  }
  const added = new Set<string>();
  const removing = new Set<string>();
  const removed = new Set<string>();
  for (const line of acks) {
    const [op, id] = line.split(' ') as [string, string];
    if (op === 'd') {
      removing.add(id);
      continue;
    }
    figures.acknowledgedWrites++;
    if (op === 'A') added.add(id);
    else removed.add(id);
  }
  const after = new Set(
    (await new JsonFileEntryStore(join(dir, 'entries.json')).loadAll()).map((e) => e.entryId),
  );
  for (const id of added) {
    if (!removing.has(id) && !after.has(id)) {
      figures.lostWrites++;
      figures.lostEntryWrites++;
    }
  }
  for (const id of removed) if (after.has(id)) figures.resurrectedDeletes++;
}

async function tokenTrial(
  dir: string,
  random: () => number,
  figures: CrashFigures,
  sim: FordSimulator,
): Promise<void> {
  const proxy = await recordingProxy(sim);
  try {
    const { acks, killed, stderr } = await runAndKill(
      ['tokensChild', dir, String(Math.floor(random() * 1e9)), proxy.url],
      1 + Math.floor(random() * 8),
      random() * 4,
    );
    if (!killed) {
      figures.childErrors++;
      process.stderr.write(stderr);
      return;
    }
    await proxy.settled();
    figures.acknowledgedWrites += acks.length;
    const accountId = acks[0]?.split(' ')[1];
    if (!accountId) return;
    const lastAcked = acks.at(-1)!.split(' ')[2]!;
    const newest = proxy.issued.at(-1)!;
    // What the disk holds before the restart reads it: the token file and any temp files beside it.
    const folder = join(dir, 'fordpass');
    const onDisk = new Map<string, string>();
    for (const name of await readdir(folder)) {
      try {
        const parsed = JSON.parse(await readFile(join(folder, name), 'utf8')) as { catRefreshToken?: string };
        if (parsed.catRefreshToken) onDisk.set(tokenId(parsed.catRefreshToken), name);
      } catch {
        // empty or torn temp file
      }
    }
    const reachedDisk = onDisk.has(newest);
    const onlyInTemp = reachedDisk && onDisk.get(newest)!.endsWith('.tmp');
    // The restart: the adapter's token store reads the folder (recovering, and clearing temp files).
    const loaded = await new TokenStore(dir, accountId).load();
    figures.staleTempFilesAfterRestart += (await readdir(folder)).filter((n) => n.endsWith('.tmp')).length;
    if (!loaded.ok) {
      if (reachedDisk) figures.forcedSignInsAfterDisk++;
      else figures.rotationsLostBeforeDisk++;
      return;
    }
    const stored = tokenId(loaded.tokens.catRefreshToken);
    if (proxy.issued.lastIndexOf(stored) < proxy.issued.lastIndexOf(lastAcked)) {
      figures.lostWrites++;
      figures.lostTokenWrites++;
    }
    if (onlyInTemp && stored === newest) figures.recoveredFromTemp++;
    // Does Ford still take the stored refresh token? If not, the user would have to sign in again.
    const client = new FordClient({ urls: sameOrigin(sim.url) });
    const accepted = await client
      .refreshCat(findRegion('deu')!, loaded.tokens.catRefreshToken)
      .then(() => true)
      .catch(() => false);
    if (!accepted) {
      if (reachedDisk) figures.forcedSignInsAfterDisk++;
      else figures.rotationsLostBeforeDisk++;
    }
  } finally {
    await proxy.close();
  }
}

/** Runs `trials` kill -9 trials, alternating entry trials and token trials; `seed` fixes the kill points. */
export async function runCrashTrials(trials: number, seed = 13): Promise<CrashFigures> {
  const figures: CrashFigures = {
    trials,
    entryTrials: 0,
    tokenTrials: 0,
    acknowledgedWrites: 0,
    lostWrites: 0,
    lostEntryWrites: 0,
    lostTokenWrites: 0,
    resurrectedDeletes: 0,
    forcedSignInsAfterDisk: 0,
    rotationsLostBeforeDisk: 0,
    recoveredFromTemp: 0,
    staleTempFilesAfterRestart: 0,
    childErrors: 0,
  };
  const random = rng(seed);
  const sim = await startFordSimulator({ requestBudgetPerDay: Number.POSITIVE_INFINITY });
  sim.control.createAccount({ ...CRASH_ACCOUNT, region: 'deu', vehicles: [] });
  try {
    for (let i = 0; i < trials; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'cf-kill-'));
      try {
        if (i % 2 === 0) {
          figures.entryTrials++;
          await entryTrial(dir, random, figures);
        } else {
          figures.tokenTrials++;
          await tokenTrial(dir, random, figures, sim);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await sim.close();
  }
  return figures;
}

export function formatFigures(f: CrashFigures): string {
  return [
    `trials: ${f.trials} (${f.entryTrials} entry creation/deletion, ${f.tokenTrials} token refresh/reauth)`,
    `acknowledged writes: ${f.acknowledgedWrites}`,
    `lost writes: ${f.lostWrites} (${f.lostEntryWrites} entries, ${f.lostTokenWrites} token pairs)`,
    `resurrected deletes: ${f.resurrectedDeletes}`,
    `forced sign-ins after a crash where the new token reached the disk: ${f.forcedSignInsAfterDisk}`,
    `rotations lost before reaching the disk (a sign-in is unavoidable): ${f.rotationsLostBeforeDisk}`,
    `token pairs recovered from a temp file: ${f.recoveredFromTemp}`,
    `temp files left after restart: ${f.staleTempFilesAfterRestart}`,
    `children that died on their own: ${f.childErrors}`,
  ].join('\n');
}
