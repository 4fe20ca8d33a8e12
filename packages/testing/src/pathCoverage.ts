import type { ConfigFlow, FlowEvent, FlowManager, FlowResult, Json, Source } from '@configflow/core';
import { InvalidInput } from '@configflow/core';
import { formatCoverageTable } from './coverageTable.ts';
import {
  exploreFlow,
  type FlowEdge,
  type FlowGraph,
  flowEdges,
  type GraphPath,
  landingNode,
  type NodeKey,
  runsOnEntry,
  stuckNodes,
  triggerNode,
} from './flowGraph.ts';
import { resultTranslationProblems, type TranslationCheckOptions } from './translations.ts';

/** How to make one step take one edge: the user's input, and how to set the doubles up for it. */
export interface EdgeRecipe<T> {
  /**
   * What the user submits (form and external steps). A function gets the setup's context and the
   * result showing the step (an external step's URL, say).
   */
  input?: unknown | ((ctx: T, shown: FlowResult) => unknown);
  /**
   * Sets the doubles up so the step takes this edge. Runs before the step's handler: for progress and
   * decide steps, that is before the step is entered (their work starts on entry).
   */
  arrange?: (ctx: T) => void | Promise<void>;
  /** Extra assertions on the result this edge produced (e.g. the entry's data was updated). */
  check?: (result: FlowResult, ctx: T) => void | Promise<void>;
}

/** How to start a flow from a source: reauth, reconfigure and options need an entry. */
export type SourceRecipe<T> = (
  ctx: T,
) => { entryId?: string; data?: Json } | Promise<{ entryId?: string; data?: Json }>;

export interface CoverageSpec<T extends { manager: FlowManager }> {
  /** A fresh world per replayed path: the manager plus whatever doubles the recipes arrange. */
  setup: () => T | Promise<T>;
  teardown?: (ctx: T) => void | Promise<void>;
  sources?: Partial<Record<Source, SourceRecipe<T>>>;
  /** step id -> edge name -> recipe (or several: each is replayed). Menu options need none. */
  edges: Record<string, Record<string, EdgeRecipe<T> | EdgeRecipe<T>[]>>;
  /**
   * Declared edges known to be unreachable, with the reason: reported, not failed. Reaching one
   * fails (the waiver is stale).
   */
  unreachable?: Record<string, Record<string, string>>;
  /** Check every result's texts against the flow's strings (default on). */
  translations?: boolean | TranslationCheckOptions;
  /** How long a progress step may take to finish (default 5 s). */
  progressTimeoutMs?: number;
}

export interface EdgeCoverage extends FlowEdge {
  reached: boolean;
  /** Why the edge is waived (`unreachable` in the spec). */
  waived?: string;
  /** Replays that took this edge. */
  replays: number;
}

export interface StepCoverage {
  stepId: string;
  kind: string;
  reached: boolean;
  edges: EdgeCoverage[];
  /** The step's own error keys, and the ones a replay showed. */
  errorKeys: { declared: string[]; shown: string[] };
}

export interface EndCoverage {
  end: string;
  reached: boolean;
  /** Only optional or waived edges lead here. */
  optional: boolean;
}

export interface CoverageReport {
  /** `hello`, or `hello (options)` for an options flow. */
  flow: string;
  steps: StepCoverage[];
  ends: EndCoverage[];
  replays: number;
  /** Why the check fails; empty when every required step, edge and end was reached. */
  failures: string[];
  unreached: { steps: string[]; edges: string[]; ends: string[]; errorKeys: string[] };
  ok: boolean;
}

export class CoverageFailed extends Error {
  override readonly name = 'CoverageFailed';
  constructor(readonly report: CoverageReport) {
    super(
      `path coverage of ${report.flow} failed:\n${report.failures.map((f) => `- ${f}`).join('\n')}\n\n${formatCoverageTable(report)}`,
    );
  }
}

const ENTRY_SOURCES: readonly Source[] = ['reauth', 'reconfigure', 'options'];
const edgeName = (e: FlowEdge) => `${e.stepId} --${e.name}-->`;
const pathText = (source: Source, hops: FlowEdge[]) =>
  `[${source}] ${hops.length === 0 ? '(start)' : hops.map((h) => `${edgeName(h)} ${h.to}`).join(' ')}`;

/** A result in a few words, for failure messages. */
export function describeResult(r: FlowResult): string {
  switch (r.type) {
    case 'abort':
      return `abort "${r.reason}"`;
    case 'create_entry':
      return `create_entry "${r.title}"`;
    default:
      return `${r.type} "${r.stepId}"${r.errors ? ` with errors ${JSON.stringify(r.errors)}` : ''}`;
  }
}

const listOf = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/**
 * Transition coverage of a flow: every declared edge is taken by replaying, through the FlowManager,
 * the shortest path of the flow's statechart that reaches it. Never throws; see `coverage`.
 */
export async function runCoverage<T extends { manager: FlowManager }>(
  flow: ConfigFlow,
  spec: CoverageSpec<T>,
): Promise<CoverageReport> {
  const label = flow.kind === 'options' ? `${flow.domain} (options)` : flow.domain;
  const edges = flowEdges(flow);
  const failures: string[] = [];
  // A menu option needs no recipe: choosing it is the input.
  const recipes = (e: FlowEdge): EdgeRecipe<T>[] => {
    const given = listOf(spec.edges[e.stepId]?.[e.name]);
    return e.kind === 'option' && given.length === 0 ? [{}] : given;
  };
  const waiver = (e: FlowEdge) => spec.unreachable?.[e.stepId]?.[e.name];

  for (const [group, names] of [
    ['edges', spec.edges],
    ['unreachable', spec.unreachable ?? {}],
  ] as const) {
    for (const [stepId, byName] of Object.entries(names)) {
      for (const name of Object.keys(byName)) {
        if (!edges.some((e) => e.stepId === stepId && e.name === name)) {
          const known = edges.filter((e) => e.stepId === stepId).map((e) => e.name);
          failures.push(
            `${group}.${stepId}.${name}: the flow declares no such edge (${flow.steps[stepId] ? `step "${stepId}" has ${known.join(', ')}` : `no step "${stepId}"`})`,
          );
        }
      }
    }
  }

  // The statechart as declared: every edge offered, to find what no path reaches and what cannot end.
  const sources = Object.keys(flow.sources) as Source[];
  const full = sources.map((s) => exploreFlow(flow, s, () => true, edges));
  const required = (e: FlowEdge) => !e.optional && waiver(e) === undefined;
  for (const edge of edges) {
    const at = triggerNode(flow, edge);
    const routes = full.map((g) => g.adjacency.get(at)?.get(edge)).filter((n) => n !== undefined);
    if (routes.length === 0 && required(edge)) {
      failures.push(`${edgeName(edge)} ${edge.to}: no path of the statechart reaches it`);
    }
    for (const to of new Set(routes)) {
      if (to !== landingNode(flow, edge))
        failures.push(`${edgeName(edge)}: declared to lead to "${edge.to}", the machine goes to "${to}"`);
    }
  }
  const stuck = new Set(full.flatMap(stuckNodes));
  for (const node of stuck) failures.push(`${node}: a step with no way out (no end can be reached from it)`);

  // Sources a replay can start from.
  const usable: Source[] = [];
  for (const source of sources) {
    if (ENTRY_SOURCES.includes(source) && !spec.sources?.[source]) {
      failures.push(`source "${source}": needs sources.${source} (the entry the flow is about)`);
    } else usable.push(source);
  }

  // Prefixes use only edges with a recipe, so every path found can be replayed.
  const replayable = usable.map((s) => exploreFlow(flow, s, (e) => recipes(e).length > 0, edges));
  const prefixTo = (node: NodeKey): GraphPath | undefined =>
    replayable
      .map((g) => g.shortest.get(node))
      .filter((p): p is GraphPath => p !== undefined)
      .sort((a, b) => a.hops.length - b.hops.length)[0];
  const whyNoPrefix = (node: NodeKey): string => {
    const path = full
      .filter((g) => usable.includes(g.source))
      .map((g) => g.shortest.get(node))
      .filter((p): p is GraphPath => p !== undefined)[0];
    if (!path) return 'no usable source reaches it';
    const missing = path.hops.filter((h) => recipes(h).length === 0).map(edgeName);
    return `every path to it needs an edge without a recipe (e.g. ${missing.join(', ')})`;
  };

  const state = newTally(flow, edges);
  let replays = 0;
  for (const edge of edges) {
    const own = recipes(edge);
    if (own.length === 0) {
      if (required(edge))
        failures.push(`${edgeName(edge)} ${edge.to}: no recipe (edges.${edge.stepId}.${edge.name})`);
      continue;
    }
    const at = triggerNode(flow, edge);
    const prefix = prefixTo(at);
    if (!prefix) {
      failures.push(`${edgeName(edge)} ${edge.to}: cannot be replayed: ${whyNoPrefix(at)}`);
      continue;
    }
    for (const recipe of own) {
      const hops = [...prefix.hops, edge];
      const plan = [...prefix.hops.map((h) => recipes(h)[0]!), recipe];
      replays++;
      const failure = await replay(flow, spec, prefix.source, hops, plan, state);
      if (failure) failures.push(failure);
    }
  }

  return buildReport(label, flow, edges, full, state, replays, failures, waiver);
}

/** `runCoverage`, then throws `CoverageFailed` (with the report and table) unless everything was reached. */
export async function coverage<T extends { manager: FlowManager }>(
  flow: ConfigFlow,
  spec: CoverageSpec<T>,
): Promise<CoverageReport> {
  const report = await runCoverage(flow, spec);
  if (!report.ok) throw new CoverageFailed(report);
  return report;
}

interface Tally {
  steps: Set<string>;
  ends: Set<string>;
  edges: Map<FlowEdge, { reached: boolean; replays: number }>;
  errorKeys: Map<string, Set<string>>;
}

function newTally(flow: ConfigFlow, edges: FlowEdge[]): Tally {
  return {
    steps: new Set(),
    ends: new Set(),
    edges: new Map(edges.map((e) => [e, { reached: false, replays: 0 }])),
    errorKeys: new Map(Object.keys(flow.steps).map((s) => [s, new Set<string>()])),
  };
}

/** What a result must look like to show a node: the step waiting (of its kind), or the end. */
function mismatch(
  flow: ConfigFlow,
  node: NodeKey,
  r: FlowResult,
  seenProgress: Set<string>,
): string | undefined {
  if (node === 'create_entry') return r.type === 'create_entry' ? undefined : 'create_entry';
  if (node.startsWith('abort_')) {
    const reason = node.slice('abort_'.length);
    return r.type === 'abort' && r.reason === reason ? undefined : `abort "${reason}"`;
  }
  const step = flow.steps[node];
  if (!step) return `step "${node}"`;
  // A decide step is never shown: the next hop checks where it went.
  if ((step.kind as string) === 'decide') return undefined;
  // A progress step may finish before its result is read: its progress_done event proves it was shown.
  if (step.kind === 'progress' && seenProgress.has(node)) return undefined;
  return r.type === step.kind && r.stepId === node ? undefined : `${step.kind} "${node}"`;
}

async function replay<T extends { manager: FlowManager }>(
  flow: ConfigFlow,
  spec: CoverageSpec<T>,
  source: Source,
  hops: FlowEdge[],
  plan: EdgeRecipe<T>[],
  tally: Tally,
): Promise<string | undefined> {
  const ctx = await spec.setup();
  const { manager } = ctx;
  const events: FlowEvent[] = [];
  const unsubscribe = manager.subscribe((e) => events.push(e));
  const check =
    spec.translations === false ? undefined : spec.translations === true ? {} : (spec.translations ?? {});
  const arranged = new Set<number>();
  const arrange = async (i: number) => {
    if (i < plan.length && !arranged.has(i)) {
      arranged.add(i);
      await plan[i]!.arrange?.(ctx);
    }
  };
  // Progress and decide steps start working when entered: arrange their edges (and those of any such
  // steps right after) before the action that enters them.
  const arrangeProgressFrom = async (i: number, entering: string) => {
    let stepId = entering;
    while (runsOnEntry(flow, stepId) && i < hops.length) {
      await arrange(i);
      stepId = hops[i]!.to;
      i++;
    }
  };
  const progressShown = () =>
    new Set(events.filter((e) => e.result.type === 'progress_done').map((e) => e.result.stepId));
  const where = (i: number) => pathText(source, hops.slice(0, i + 1));

  let flowId = '';
  let at = -1;
  try {
    const root = manager.getFlowDefinition(flow.domain);
    const managed = flow.kind === 'options' ? root.options : root;
    if (!managed || JSON.stringify(managed.describe()) !== JSON.stringify(flow.describe())) {
      return `${flow.domain}: the manager from setup() runs a different ${flow.kind} flow than the one covered`;
    }
    const first = flow.sources[source]!;
    const start = (await spec.sources?.[source]?.(ctx)) ?? {};
    await arrangeProgressFrom(0, first);
    const initial = await manager.init(flow.domain, { source, ...start });
    flowId = initial.flowId;
    const expected = mismatch(flow, first, initial, progressShown());
    if (expected) return `${pathText(source, [])}: expected ${expected}, got ${describeResult(initial)}`;
    tally.steps.add(first);
    let previous = initial;
    const problems = check ? resultTranslationProblems(flow, initial, check) : [];
    if (problems.length > 0) return `${pathText(source, [])}: ${problems.map((p) => p.message).join('; ')}`;

    for (let i = 0; i < hops.length; i++) {
      at = i;
      const edge = hops[i]!;
      const recipe = plan[i]!;
      const step = flow.steps[edge.stepId]!;
      await arrange(i);
      await arrangeProgressFrom(i + 1, edge.to);
      let result: FlowResult;
      if ((step.kind as string) === 'decide') {
        // It already ran, inside the action that entered it: that action's result is where it went.
        result = previous;
      } else if (step.kind === 'progress') {
        result = await progressResult(manager, flowId, events, spec.progressTimeoutMs ?? 5000);
      } else if (step.kind === 'menu') {
        result = await manager.configure(flowId, { nextStepId: edge.name });
      } else {
        const input = typeof recipe.input === 'function' ? await recipe.input(ctx, previous) : recipe.input;
        result = await manager.configure(flowId, input ?? {});
        // Home Assistant's external_done names the next step; the next read shows it.
        if (result.type === 'external_done') result = await manager.configure(flowId);
      }
      const landing = mismatch(flow, edge.to, result, progressShown());
      const wrongErrors =
        edge.kind === 'errors'
          ? Object.keys(result.errors ?? {}).length === 0
          : (result.type === 'form' || result.type === 'external') && result.errors !== undefined;
      if (landing || wrongErrors) {
        const want =
          landing ?? (edge.kind === 'errors' ? `${edge.to} with errors` : `${edge.to} without errors`);
        return `${where(i)}: expected ${want}, got ${describeResult(result)}`;
      }
      const counted = tally.edges.get(edge)!;
      counted.reached = true;
      counted.replays++;
      if (flow.steps[edge.to]) tally.steps.add(edge.to);
      else tally.ends.add(edge.to);
      if (edge.kind === 'errors')
        for (const key of Object.values(result.errors ?? {})) tally.errorKeys.get(edge.stepId)!.add(key);
      const problems = check ? resultTranslationProblems(flow, result, check) : [];
      if (problems.length > 0) return `${where(i)}: ${problems.map((p) => p.message).join('; ')}`;
      await recipe.check?.(result, ctx);
      previous = result;
    }
    return undefined;
  } catch (error) {
    const what =
      error instanceof InvalidInput
        ? `the recipe's input was rejected: ${JSON.stringify(error.errors)}`
        : `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    return `${at < 0 ? pathText(source, []) : where(at)}: ${what}`;
  } finally {
    unsubscribe();
    await spec.teardown?.(ctx);
  }
}

/** A progress step's outcome: the flow's end if it ended, else where it waits now. */
async function progressResult(
  manager: FlowManager,
  flowId: string,
  events: FlowEvent[],
  timeoutMs: number,
): Promise<FlowResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the progress step did not finish in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([manager.idle(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const ended = events.find((e) => e.flowId === flowId && e.type === 'ended');
  return ended ? ended.result : manager.configure(flowId);
}

function buildReport(
  label: string,
  flow: ConfigFlow,
  edges: FlowEdge[],
  graphs: FlowGraph[],
  tally: Tally,
  replays: number,
  failures: string[],
  waiver: (e: FlowEdge) => string | undefined,
): CoverageReport {
  const steps: StepCoverage[] = Object.entries(flow.steps).map(([stepId, step]) => {
    const own = edges.filter((e) => e.stepId === stepId);
    const declaredErrors: string[] = [...(('errors' in step ? step.errors : undefined) ?? [])];
    return {
      stepId,
      kind: step.kind,
      reached: tally.steps.has(stepId),
      edges: own.map((e) => {
        const t = tally.edges.get(e)!;
        const waived = waiver(e);
        return { ...e, reached: t.reached, replays: t.replays, ...(waived !== undefined ? { waived } : {}) };
      }),
      errorKeys: { declared: declaredErrors, shown: [...tally.errorKeys.get(stepId)!].sort() },
    };
  });
  const endNames = new Set(graphs.flatMap((g) => [...g.finals]));
  for (const e of edges) if (!flow.steps[e.to]) endNames.add(e.to);
  const ends: EndCoverage[] = [...endNames].sort().map((end) => ({
    end,
    reached: tally.ends.has(end),
    optional: edges.filter((e) => e.to === end).every((e) => e.optional || waiver(e) !== undefined),
  }));
  for (const s of steps)
    for (const e of s.edges)
      if (e.waived !== undefined && e.reached)
        failures.push(
          `${edgeName(e)} is listed as unreachable ("${e.waived}") but was reached: drop the waiver`,
        );
  const unreached = {
    steps: steps.filter((s) => !s.reached).map((s) => s.stepId),
    edges: steps.flatMap((s) =>
      s.edges
        .filter((e) => !e.reached && !e.optional && e.waived === undefined)
        .map((e) => `${e.stepId}/${e.name}`),
    ),
    ends: ends.filter((e) => !e.reached && !e.optional).map((e) => e.end),
    errorKeys: steps.flatMap((s) =>
      s.errorKeys.declared.filter((k) => !s.errorKeys.shown.includes(k)).map((k) => `${s.stepId}/${k}`),
    ),
  };
  for (const stepId of unreached.steps) failures.push(`step "${stepId}" was never shown`);
  for (const end of unreached.ends) failures.push(`end "${end}" was never reached`);
  const ok =
    failures.length === 0 && unreached.steps.length + unreached.edges.length + unreached.ends.length === 0;
  return { flow: label, steps, ends, replays, failures, unreached, ok };
}
