import { z } from 'zod';
import {
  type ConfigEntry,
  defineConfigFlow,
  type EntryChanges,
  EntryRuntime,
  type EntryState,
  FakeClock,
  FlowManager,
  type Integration,
  type Json,
  type JsonObject,
} from '../src/index.ts';

/**
 * A device integration written the way Home Assistant's own tests write theirs, driven through the
 * public API only: a FlowManager, its ConfigEntries and an EntryRuntime on a fake clock.
 */
export interface Discovery {
  id?: string;
  host: string;
}

/** How the next reauth submission calls `updateReloadAndAbort` (tests set it before submitting). */
export const reauthCall: { changes: EntryChanges<'reauth_successful'> } = { changes: {} };

/** Released by a test to let the `gated` flow's first step finish. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
export const gates = { first: gate(), work: gate() };

export function deviceFlow(opts: { singleInstance?: boolean; optionsReload?: boolean } = {}) {
  return defineConfigFlow({
    domain: 'dev',
    version: 2,
    ...(opts.singleInstance ? { singleInstance: true } : {}),
    sources: {
      user: 'user',
      discovery: 'discovered',
      reauth: 'reauth_confirm',
      reconfigure: 'reconfigure',
    },
    steps: ({ form, decide }) => ({
      user: form({
        schema: z.object({ id: z.string(), host: z.string() }),
        next: ['create_entry'],
        aborts: ['already_configured', 'already_in_progress'],
        async submit({ id, host }, flow) {
          await flow.setUniqueId(id);
          await flow.abortIfUniqueIdConfigured({ updates: { host }, placeholders: { host } });
          await flow.abortIfEntriesMatch({ host });
          return flow.createEntry({ title: id, data: { id, host } });
        },
      }),
      discovered: decide({
        next: ['confirm'],
        aborts: ['already_configured', 'already_in_progress'],
        async run(flow) {
          const found = flow.initData as unknown as Discovery;
          if (found.id === undefined) await flow.handleDiscoveryWithoutUniqueId();
          else {
            await flow.setUniqueId(found.id);
            await flow.abortIfUniqueIdConfigured();
          }
          return flow.next('confirm');
        },
      }),
      confirm: form({
        schema: z.object({}),
        next: ['create_entry'],
        submit(_input, flow) {
          const found = flow.initData as unknown as Discovery;
          return flow.createEntry({ title: found.host, data: { host: found.host } });
        },
      }),
      reauth_confirm: form({
        schema: z.object({ token: z.string() }),
        aborts: ['reauth_successful'],
        submit: ({ token }, flow) =>
          flow.updateReloadAndAbort(flow.getReauthEntry(), {
            dataUpdates: { token },
            ...reauthCall.changes,
          } as EntryChanges<'reauth_successful'>),
      }),
      reconfigure: form({
        schema: z.object({ host: z.string() }),
        aborts: ['reconfigure_successful', 'already_configured'],
        async submit({ host }, flow) {
          // Its own entry never counts as a match: only the other entries do.
          await flow.abortIfEntriesMatch({ host });
          return flow.updateReloadAndAbort(flow.getReconfigureEntry(), { dataUpdates: { host } });
        },
      }),
    }),
    options: {
      initial: 'init',
      ...(opts.optionsReload === undefined ? {} : { reloadOnChange: opts.optionsReload }),
      steps: ({ form }) => ({
        init: form({
          schema: z.object({ interval: z.number().int() }),
          next: ['create_entry'],
          submit: (input, flow) => flow.createEntry({ title: '', data: input }),
        }),
      }),
    },
  });
}

/** A flow whose first step waits for `gates.first`, and one whose progress work ends the flow. */
export const gatedFlow = defineConfigFlow({
  domain: 'gated',
  sources: { user: 'start' },
  steps: ({ decide, form }) => ({
    start: decide({
      next: ['pick'],
      async run(flow) {
        await gates.first.opened;
        return flow.next('pick');
      },
    }),
    pick: form({
      schema: z.object({}),
      next: ['create_entry'],
      submit: (_i, f) => f.createEntry({ title: 'g', data: {} }),
    }),
  }),
});

export const syncFlow = defineConfigFlow({
  domain: 'sync',
  sources: { user: 'sync' },
  steps: ({ progress }) => ({
    sync: progress({
      progressAction: 'syncing',
      next: ['create_entry'],
      async run(flow) {
        await gates.work.opened;
        return flow.createEntry({ title: 'Synced', data: { ok: true } });
      },
    }),
  }),
});

type Outcome = Error | undefined;

/** The world: the device integration with scriptable setup/poll/unload outcomes (success when empty). */
export function world(opts: Parameters<typeof deviceFlow>[0] & { migrate?: Integration['migrate'] } = {}) {
  gates.first = gate();
  gates.work = gate();
  reauthCall.changes = {};
  const clock = new FakeClock();
  const script = { setup: [] as Outcome[], poll: [] as Outcome[], unload: [] as Outcome[] };
  const calls = { setup: 0, poll: 0, unload: 0, migrate: 0 };
  const next = (list: Outcome[]) => {
    const outcome = list.shift();
    if (outcome) throw outcome;
  };
  const flow = deviceFlow(opts);
  const integration: Integration = {
    flow,
    async setup() {
      calls.setup++;
      next(script.setup);
      return {};
    },
    async poll() {
      calls.poll++;
      next(script.poll);
      return { polls: calls.poll };
    },
    async unload() {
      calls.unload++;
      next(script.unload);
    },
    pollInterval: () => 60_000,
    ...(opts.migrate
      ? {
          migrate: (entry: ConfigEntry) => {
            calls.migrate++;
            return opts.migrate!(entry);
          },
        }
      : {}),
  };
  const manager = new FlowManager({ flows: [flow, gatedFlow, syncFlow], clock });
  const runtime = new EntryRuntime({ manager, integrations: [integration], clock, random: () => 0 });
  const states: string[] = [];
  manager.entries.subscribe((e) => {
    if (e.type === 'entry_state') states.push(e.entry.state);
  });
  const ended: string[] = [];
  manager.subscribe((e) => {
    if (e.type === 'ended') ended.push(`${e.flowId}:${e.result.reason ?? e.result.type}`);
  });

  /** Sets the device up through the user flow; the runtime loads it. */
  const addDevice = async (id: string, host = `${id}.local`) => {
    const { flowId } = await manager.init('dev');
    const result = await manager.configure(flowId, { id, host });
    await runtime.idle();
    return manager.entries.require(result.entry!.entryId);
  };
  /** An entry put straight into the registry (never set up by the runtime): `not_loaded`. */
  const storedEntry = (id: string, data: JsonObject = { id, host: `${id}.local` }, version = 2) =>
    manager.entries.add({ domain: 'dev', title: id, uniqueId: id, data, source: 'user', version });
  const entry = (entryId: string) => manager.entries.require(entryId);
  const state = (entryId: string): EntryState => entry(entryId).state;
  const discover = (found: Discovery) =>
    manager.init('dev', { source: 'discovery', data: found as unknown as Json });
  return {
    clock,
    manager,
    runtime,
    script,
    calls,
    states,
    ended,
    addDevice,
    storedEntry,
    entry,
    state,
    discover,
  };
}
