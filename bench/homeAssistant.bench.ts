/**
 * Issue 17's flow side by side: form `user` {host, name} → form `confirm` {confirm} → create_entry,
 * 20,000 flows in a row, through our FlowManager, through the same flow's machine as a bare XState
 * actor, and, when a Home Assistant checkout is given, through Home Assistant's own
 * `data_entry_flow.FlowManager` (bench/homeassistant/driver.py, in its own Python process). The three
 * alternate round by round and each reports its median. Plus the heap per flow waiting at `confirm`.
 *
 * Home Assistant is measured only when `CONFIGFLOW_HA_CORE` names a Home Assistant core checkout
 * and `CONFIGFLOW_HA_PYTHON` (default `python3`) can import voluptuous; `CONFIGFLOW_HA_STAND_INS=1`
 * replaces the five helpers data_entry_flow imports from the rest of Home Assistant by the
 * driver's stand-ins (for a checkout whose dependencies are not installed). Without it the bench says
 * so and prints issue 17's reference figures, which were measured elsewhere.
 * Reproduce: npx -y pnpm@10.34.9 exec node --expose-gc --import tsx bench/homeAssistant.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createActor } from 'xstate';
import { FlowManager } from '../packages/core/src/index.ts';
import { settled } from './engine.bench.ts';
import { CONFIRM_INPUT, createIssueFlow, USER_INPUT } from './issueFlow.ts';

export const REPRODUCE =
  'npx -y pnpm@10.34.9 exec node --expose-gc --import tsx bench/homeAssistant.bench.ts';

/** Issue 17's figures for Home Assistant, measured on the machine class the issue names, not here. */
export const ISSUE_REFERENCE = { usPerStep: 15.4, stepsPerSec: 65_000, bytesPerIdleFlow: 813 };

const driver = fileURLToPath(new URL('./homeassistant/driver.py', import.meta.url));

export interface HaSide {
  python: string;
  standIns: boolean;
  dataEntryFlow: string;
  stepsPerSec: number;
  cpuUsPerStep: number;
  bytesPerIdleFlow?: number;
}

export interface IssueFlowResult {
  manager: number;
  bare: number;
  managerBytesPerIdleFlow: number;
  /** Undefined when no Home Assistant checkout was given. */
  homeAssistant?: {
    stepsPerSec: number;
    bytesPerIdleFlow: number;
    python: string;
    standIns: boolean;
    file: string;
  };
  /** Why Home Assistant was not measured, when it was not. */
  notMeasured?: string;
}

function haConfig(): { core: string; python: string; standIns: boolean } | string {
  const core = process.env.CONFIGFLOW_HA_CORE;
  if (!core) return 'CONFIGFLOW_HA_CORE is not set: no Home Assistant core checkout was given';
  return {
    core,
    python: process.env.CONFIGFLOW_HA_PYTHON ?? 'python3',
    standIns: process.env.CONFIGFLOW_HA_STAND_INS === '1',
  };
}

function runDriver(
  ha: { core: string; python: string; standIns: boolean },
  flows: number,
  idleFlows = 0,
): HaSide {
  const args = [driver, ha.core, '--flows', String(flows), '--idle-flows', String(idleFlows)];
  if (ha.standIns) args.push('--stand-ins');
  const out = execFileSync(ha.python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as HaSide;
}

async function timeFlows(flows: number, once: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < flows; i++) await once();
  return Math.round((flows * 3) / (Number(process.hrtime.bigint() - start) / 1e9));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) collect();
};

/** Heap per flow waiting at `confirm` (the flows held as the manager holds idle flows). */
async function managerBytesPerIdleFlow(count: number): Promise<number> {
  const manager = new FlowManager({
    flows: [createIssueFlow()],
    maxFlows: Number.POSITIVE_INFINITY,
    maxFlowsPerHandler: Number.POSITIVE_INFINITY,
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const { flowId } = await manager.init('bench_ha');
    await manager.configure(flowId, { host: `device-${i}.local`, name: 'bench' });
  }
  await manager.idle();
  gc();
  const perFlow = (process.memoryUsage().heapUsed - before) / count;
  if (manager.list().length !== count) throw new Error('flows went missing');
  return Math.round(perFlow);
}

/** Alternating rounds of `flows` flows in a row: FlowManager, bare XState actor, Home Assistant. */
export async function run(
  opts: { flows?: number; rounds?: number; idleFlows?: number } = {},
): Promise<IssueFlowResult> {
  const flows = opts.flows ?? 20_000;
  const rounds = opts.rounds ?? 5;
  const idleFlows = opts.idleFlows ?? 10_000;
  const flow = createIssueFlow();
  const managerRound = async () => {
    const manager = new FlowManager({ flows: [flow] });
    return timeFlows(flows, async () => {
      const { flowId } = await manager.init('bench_ha');
      await manager.configure(flowId, USER_INPUT);
      const end = await manager.configure(flowId, CONFIRM_INPUT);
      if (end.type !== 'create_entry') throw new Error('the flow did not create its entry');
    });
  };
  const bareRound = () =>
    timeFlows(flows, async () => {
      const actor = createActor(flow.machine, {
        input: { flowId: 'bench', source: 'user', ctx: flow.initialContext() },
      });
      actor.start();
      actor.send({ type: 'SUBMIT', input: USER_INPUT });
      await settled(actor);
      actor.send({ type: 'SUBMIT', input: CONFIRM_INPUT });
      await settled(actor);
      if (actor.getSnapshot().status !== 'done') throw new Error('the bare actor did not finish');
    });
  const ha = haConfig();
  await managerRound(); // warm-up (the driver warms up inside its own process)
  await bareRound();
  const managed: number[] = [];
  const bare: number[] = [];
  const home: HaSide[] = [];
  for (let r = 0; r < rounds; r++) {
    managed.push(await managerRound());
    bare.push(await bareRound());
    if (typeof ha !== 'string') home.push(runDriver(ha, flows));
  }
  const result: IssueFlowResult = {
    manager: median(managed),
    bare: median(bare),
    managerBytesPerIdleFlow: await managerBytesPerIdleFlow(idleFlows),
  };
  if (typeof ha === 'string') result.notMeasured = ha;
  else {
    const memory = runDriver(ha, 100, idleFlows);
    result.homeAssistant = {
      stepsPerSec: median(home.map((h) => h.stepsPerSec)),
      bytesPerIdleFlow: memory.bytesPerIdleFlow!,
      python: memory.python,
      standIns: memory.standIns,
      file: memory.dataEntryFlow,
    };
  }
  return result;
}

/** The lines printed under the table: what Home Assistant's side was, or that it was not measured. */
export function notes(r: IssueFlowResult): string[] {
  const us = (stepsPerSec: number) => (1e6 / stepsPerSec).toFixed(1);
  if (r.homeAssistant) {
    const h = r.homeAssistant;
    return [
      `Home Assistant measured in this run: ${h.file} on Python ${h.python}` +
        `${h.standIns ? ' (five imported helpers replaced by bench/homeassistant/driver.py stand-ins)' : ''}: ` +
        `${h.stepsPerSec.toLocaleString('en-US')} steps/s (${us(h.stepsPerSec)} µs/step), ${h.bytesPerIdleFlow} B per idle flow (tracemalloc); ` +
        `FlowManager ${(r.manager / h.stepsPerSec).toFixed(2)}x its steps/s, ${(r.managerBytesPerIdleFlow / h.bytesPerIdleFlow).toFixed(2)}x its bytes.`,
    ];
  }
  return [
    `Home Assistant was NOT measured on this machine (${r.notMeasured}). Issue 17's reference, measured elsewhere: ` +
      `${ISSUE_REFERENCE.usPerStep} µs/step (about ${ISSUE_REFERENCE.stepsPerSec.toLocaleString('en-US')} steps/s) and ` +
      `${ISSUE_REFERENCE.bytesPerIdleFlow} B per idle flow; this run's FlowManager: ${us(r.manager)} µs/step, ` +
      `${r.managerBytesPerIdleFlow} B per idle flow. To measure it: CONFIGFLOW_HA_CORE=<home-assistant/core checkout> ` +
      'CONFIGFLOW_HA_PYTHON=<python3.13 that imports voluptuous> [CONFIGFLOW_HA_STAND_INS=1] npx -y pnpm@10.34.9 bench',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(
    `issue 17 flow, FlowManager:        ${r.manager} steps/s (${(1e6 / r.manager).toFixed(1)} µs/step)`,
  );
  console.log(
    `issue 17 flow, bare XState actor:  ${r.bare} steps/s (cost vs bare actor ${(r.bare / r.manager).toFixed(2)}x)`,
  );
  console.log(`issue 17 flow, heap per idle flow: ${r.managerBytesPerIdleFlow} B`);
  for (const line of notes(r)) console.log(line);
  console.log(`reproduce: ${REPRODUCE}`);
}
