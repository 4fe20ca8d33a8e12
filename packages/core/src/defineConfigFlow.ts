import { type CompiledForm, compileForm, type Strings } from '@configflow/forms';
import type { AnyStateMachine } from 'xstate';
import {
  CREATE_ENTRY_STATE,
  compileMachine,
  SOURCE_STATE,
  stepAborts,
  stepErrors,
} from './compileMachine.ts';
import { FlowDefinitionError } from './errors.ts';
import { detachedHost } from './flowHost.ts';
import { runStep } from './stepRunner.ts';
import { type AnyStep, type StepBuilders, stepBuilders } from './steps.ts';
import { type Json, SOURCES, type Source } from './types.ts';

export type FlowKind = 'config' | 'options';

interface FlowSpecBase<C, Steps extends Record<string, AnyStep>> {
  /** The flow's own JSON context, created when a flow starts. */
  context?: () => C;
  steps: (s: StepBuilders<C>) => Steps;
}

export interface ConfigFlowSpec<C, Steps extends Record<string, AnyStep>> extends FlowSpecBase<C, Steps> {
  domain: string;
  title?: string;
  /** Entry version: bump it and give `migrate` to upgrade stored entries. */
  version?: number;
  minorVersion?: number;
  /** The source picks the initial step. */
  sources: Partial<Record<Exclude<Source, 'options' | 'ignore'>, Extract<keyof Steps, string>>>;
  /** An options flow for existing entries (Home Assistant's OptionsFlow). */
  options?: OptionsFlowSpec<any, any>;
  /**
   * At most one entry (Home Assistant's `single_config_entry`): a new flow, and an entry about to be
   * created, abort with `single_instance_allowed` while one exists.
   */
  singleInstance?: boolean;
  strings?: Strings;
}

export interface OptionsFlowSpec<C, Steps extends Record<string, AnyStep>> extends FlowSpecBase<C, Steps> {
  initial: Extract<keyof Steps, string>;
  /**
   * Reload the entry when the flow changed its options (default true, Home Assistant's
   * OptionsFlowWithReload); false when the integration reads its options as it goes.
   */
  reloadOnChange?: boolean;
}

/** Static facts about a flow: what the translation check, the visualizer and path coverage read. */
export interface FlowDescription {
  domain: string;
  kind: FlowKind;
  sources: Partial<Record<Source, string>>;
  steps: {
    stepId: string;
    kind: AnyStep['kind'];
    next: string[];
    aborts: string[];
    errors: string[];
    fields: string[];
    menuOptions: string[];
  }[];
  aborts: string[];
  errors: string[];
}

/** A compiled config flow: the declaration plus its XState machine and cached forms. */
export interface ConfigFlow {
  readonly domain: string;
  readonly title: string;
  readonly kind: FlowKind;
  readonly version: number;
  readonly minorVersion: number;
  readonly sources: Partial<Record<Source, string>>;
  readonly steps: Readonly<Record<string, AnyStep>>;
  /** A real XState machine: Stately's tools and `xstate/graph` accept it. */
  readonly machine: AnyStateMachine;
  readonly options: ConfigFlow | undefined;
  readonly strings: Strings | undefined;
  /** See `ConfigFlowSpec.singleInstance`. */
  readonly singleInstance: boolean;
  /** Options flows: see `OptionsFlowSpec.reloadOnChange`. */
  readonly reloadOnChange: boolean;
  initialContext(): Json;
  form(stepId: string): CompiledForm | undefined;
  secretFields(stepId: string): ReadonlySet<string>;
  describe(): FlowDescription;
}

const ID = /^[a-z][a-z0-9_]*$/;
const RESERVED = new Set([SOURCE_STATE, CREATE_ENTRY_STATE]);

/** Declares a config flow. Definition errors (an edge to a missing step, a dead end) throw here. */
export function defineConfigFlow<C extends Json, Steps extends Record<string, AnyStep>>(
  spec: ConfigFlowSpec<C, Steps>,
): ConfigFlow {
  const version = spec.version ?? 1;
  const options = spec.options
    ? build(spec.domain, 'options', version, { options: spec.options.initial }, spec.options, spec)
    : undefined;
  return build(spec.domain, 'config', version, spec.sources, spec, spec, options);
}

function build(
  domain: string,
  kind: FlowKind,
  version: number,
  sources: Partial<Record<Source, string>>,
  spec: FlowSpecBase<any, Record<string, AnyStep>>,
  root: ConfigFlowSpec<any, any>,
  options?: ConfigFlow,
): ConfigFlow {
  const steps = spec.steps(stepBuilders());
  validate(domain, kind, sources, steps);
  const forms = new Map<string, CompiledForm>();
  const secrets = new Map<string, ReadonlySet<string>>();
  for (const [stepId, step] of Object.entries(steps)) {
    if (step.kind !== 'form' && step.kind !== 'external') continue;
    const form = compileForm({ domain, version, stepId, kind }, step.schema);
    forms.set(stepId, form);
    secrets.set(
      stepId,
      new Set(
        form
          .describe()
          .fields.filter((f) => f.secret)
          .map((f) => f.name),
      ),
    );
  }
  const makeContext = spec.context ?? (() => ({}));
  let description: FlowDescription | undefined;

  const flow: ConfigFlow = {
    domain,
    title: root.title ?? domain,
    kind,
    version,
    minorVersion: root.minorVersion ?? 1,
    sources,
    steps,
    options,
    strings: root.strings,
    singleInstance: root.singleInstance ?? false,
    reloadOnChange: (spec as Partial<OptionsFlowSpec<any, any>>).reloadOnChange ?? true,
    machine: undefined as unknown as AnyStateMachine,
    initialContext: () => makeContext() as Json,
    form: (stepId) => forms.get(stepId),
    secretFields: (stepId) => secrets.get(stepId) ?? new Set(),
    describe: () => {
      description ??= describeFlow(domain, kind, sources, steps, forms);
      return description;
    },
  };
  (flow as { machine: AnyStateMachine }).machine = compileMachine({
    id: kind === 'config' ? domain : `${domain}_options`,
    sources,
    steps,
    runStep: (stepId, input, signal) => runStep(flow, detachedHost, stepId, input, signal),
  });
  return Object.freeze(flow);
}

function validate(
  domain: string,
  kind: FlowKind,
  sources: Partial<Record<Source, string>>,
  steps: Record<string, AnyStep>,
): void {
  const problems: string[] = [];
  const names = Object.keys(steps);
  if (!ID.test(domain)) problems.push(`domain "${domain}" must be snake_case`);
  if (names.length === 0) problems.push('a flow needs at least one step');
  for (const [source, stepId] of Object.entries(sources)) {
    if (!SOURCES.includes(source as Source)) problems.push(`unknown source "${source}"`);
    if (!stepId || !steps[stepId]) problems.push(`source "${source}" starts at missing step "${stepId}"`);
  }
  if (kind === 'config' && Object.keys(sources).length === 0) problems.push('declare at least one source');
  for (const [stepId, step] of Object.entries(steps)) {
    const at = `step "${stepId}"`;
    if (!ID.test(stepId) || RESERVED.has(stepId) || stepId.startsWith('abort_')) {
      problems.push(`${at}: step ids are snake_case and not "source", "create_entry" or "abort_*"`);
    }
    if (step.kind === 'menu') {
      if (step.options.length === 0) problems.push(`${at}: a menu needs options`);
      for (const o of step.options) if (!steps[o]) problems.push(`${at}: menu option "${o}" is not a step`);
      continue;
    }
    for (const to of step.next ?? []) {
      if (to !== CREATE_ENTRY_STATE && !steps[to]) problems.push(`${at}: next step "${to}" does not exist`);
      if (
        to === CREATE_ENTRY_STATE &&
        kind === 'config' &&
        onlyFrom(sources, stepId, ['reauth', 'reconfigure'])
      ) {
        problems.push(`${at}: reauth and reconfigure flows update their entry; they cannot create one`);
      }
    }
    for (const key of [...stepAborts(step), ...stepErrors(step)]) {
      if (!ID.test(key)) problems.push(`${at}: "${key}" must be a snake_case key`);
    }
    if ((step.next ?? []).length === 0 && stepAborts(step).length === 0) {
      problems.push(`${at}: a step with no way out (declare next steps, create_entry or aborts)`);
    }
  }
  for (const stepId of unreachable(sources, steps))
    problems.push(`step "${stepId}" cannot be reached from any source`);
  if (problems.length > 0) throw new FlowDefinitionError(domain, problems);
}

/** True when the step is only reachable as a source's entry step of the given kinds (a simple, safe check). */
function onlyFrom(sources: Partial<Record<Source, string>>, stepId: string, kinds: Source[]): boolean {
  const starts = Object.entries(sources)
    .filter(([, s]) => s === stepId)
    .map(([k]) => k as Source);
  return starts.length > 0 && starts.every((s) => kinds.includes(s));
}

function unreachable(sources: Partial<Record<Source, string>>, steps: Record<string, AnyStep>): string[] {
  const seen = new Set<string>();
  const queue = Object.values(sources).filter((s): s is string => !!s && !!steps[s]);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = steps[id]!;
    const next = step.kind === 'menu' ? step.options : (step.next ?? []);
    for (const to of next) if (steps[to] && !seen.has(to)) queue.push(to);
  }
  return Object.keys(steps).filter((id) => !seen.has(id));
}

function describeFlow(
  domain: string,
  kind: FlowKind,
  sources: Partial<Record<Source, string>>,
  steps: Record<string, AnyStep>,
  forms: Map<string, CompiledForm>,
): FlowDescription {
  const list = Object.entries(steps).map(([stepId, step]) => ({
    stepId,
    kind: step.kind,
    next: step.kind === 'menu' ? [...step.options] : [...(step.next ?? [])],
    aborts: stepAborts(step),
    errors: stepErrors(step),
    fields:
      forms
        .get(stepId)
        ?.describe()
        .fields.map((f) => f.name) ?? [],
    menuOptions: step.kind === 'menu' ? [...step.options] : [],
  }));
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    domain,
    kind,
    sources: { ...sources },
    steps: list,
    aborts: uniq(list.flatMap((s) => s.aborts)),
    errors: uniq(list.flatMap((s) => s.errors)),
  };
}
