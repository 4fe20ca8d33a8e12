import type { ConfigFlow, FlowKind } from '@configflow/core';
import type { AnyStateMachine } from 'xstate';
import { stepGraph } from './stepGraph.ts';
import { type FlowGraph, restrictToSource, walkMachine } from './walk.ts';

/** What every emitter draws: a compiled config flow or any XState machine. */
export type ChartInput = ConfigFlow | AnyStateMachine;

export interface ChartOptions {
  /** For a ConfigFlow: the config flow (default) or its options flow. */
  flow?: FlowKind;
  /** Only what a flow started from this source can reach (`user`, `reauth`, `options`, ...). */
  source?: string;
  /** Steps and the edges between them only, without the engine's substates (the web UI's chart). */
  steps?: boolean;
}

export function isConfigFlow(input: ChartInput): input is ConfigFlow {
  return typeof (input as ConfigFlow).describe === 'function' && 'machine' in input;
}

/** The flow an option picks: the options flow must exist when asked for. */
export function pickFlow(input: ChartInput, opts: ChartOptions = {}): ChartInput {
  if (!isConfigFlow(input) || (opts.flow ?? 'config') === input.kind) return input;
  if (opts.flow === 'options') {
    if (!input.options) throw new Error(`Flow "${input.domain}" has no options flow`);
    return input.options;
  }
  return input;
}

export function machineOf(input: ChartInput, opts: ChartOptions = {}): AnyStateMachine {
  const picked = pickFlow(input, opts);
  return isConfigFlow(picked) ? picked.machine : picked;
}

/** The neutral graph for the picked flow, restricted to one source when asked. */
export function chartGraph(input: ChartInput, opts: ChartOptions = {}): FlowGraph {
  const graph = walkMachine(machineOf(input, opts));
  const reached = opts.source === undefined ? graph : restrictToSource(graph, opts.source);
  return opts.steps ? stepGraph(reached) : reached;
}
