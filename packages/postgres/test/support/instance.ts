import {
  AuthFailed,
  ConfigEntries,
  defineConfigFlow,
  EntryRuntime,
  FakeClock,
  FlowManager,
  type Integration,
} from '@configflow/core';
import { z } from 'zod';
import { openPgCluster, type PgCluster } from '../../src/index.ts';

/** What every instance's integration did, by instance: who polled which entry. */
export interface Calls {
  setup: { instance: string; entryId: string }[];
  poll: { instance: string; entryId: string }[];
}

/** An integration with a user flow (account, vin, password), a reauth flow and a scriptable poll. */
export function acme(name: string, calls: Calls, failing: Set<string>): Integration {
  const flow = defineConfigFlow({
    domain: 'acme',
    context: () => ({ account: '' }),
    sources: { user: 'user', reauth: 'reauth_confirm' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ account: z.string() }),
        next: ['vehicle'],
        submit(input, f) {
          f.context.account = input.account;
          return f.next('vehicle');
        },
      }),
      vehicle: form({
        schema: z.object({ vin: z.string() }),
        next: ['create_entry'],
        aborts: ['already_in_progress'],
        async submit(input, f) {
          await f.setUniqueId(input.vin);
          return f.createEntry({
            title: input.vin,
            data: { account: f.context.account, vin: input.vin },
          });
        },
      }),
      reauth_confirm: form({
        schema: z.object({ password: z.string().meta({ secret: true }) }),
        aborts: ['reauth_successful'],
        submit: (input, f) => f.updateReloadAndAbort(f.getReauthEntry(), { dataUpdates: input }),
      }),
    }),
  });
  return {
    flow,
    async setup(entry) {
      calls.setup.push({ instance: name, entryId: entry.entryId });
      return {};
    },
    async poll(entry) {
      calls.poll.push({ instance: name, entryId: entry.entryId });
      if (failing.has(String(entry.data.account))) throw new AuthFailed('token rejected');
      return { vin: String(entry.data.vin) };
    },
    pollInterval: () => 60_000,
    accountKey: (entry) => String(entry.data.account),
  };
}

export interface Instance {
  name: string;
  cluster: PgCluster;
  entries: ConfigEntries;
  manager: FlowManager;
  runtime: EntryRuntime;
  clock: FakeClock;
  stop(): Promise<void>;
  /** A SIGKILL, as far as the others can tell: its connections drop, nothing is released. */
  kill(): Promise<void>;
}

/** One configflow instance on the shared database, with its own fake clock; lease time is `now()`. */
export async function instance(
  url: string,
  name: string,
  opts: { now: () => number; leaseMs: number; calls: Calls; failing?: Set<string> },
): Promise<Instance> {
  const clock = new FakeClock();
  const cluster = await openPgCluster({ url, instance: name, leaseMs: opts.leaseMs, clock, now: opts.now });
  const integration = acme(name, opts.calls, opts.failing ?? new Set());
  const entries = new ConfigEntries({ store: cluster.entryStore, clock });
  await entries.load();
  const manager = new FlowManager({ flows: [integration.flow], entries, store: cluster.flowStore, clock });
  const runtime = new EntryRuntime({
    manager,
    integrations: [integration],
    clock,
    lock: cluster.lock,
    ownership: cluster.ownership,
    reauthCounts: cluster.reauthCounts,
    random: () => 0,
  });
  cluster.attach({ entries, manager, runtime });
  await manager.start();
  await runtime.start();
  return {
    name,
    cluster,
    entries,
    manager,
    runtime,
    clock,
    async stop() {
      await runtime.stop();
      await manager.stop();
      await cluster.close();
    },
    async kill() {
      // Its timers are on its own fake clock, which nobody advances again; its leases stay unreleased.
      // The pool refuses new queries from this call on (work still running here cannot write again).
      const ended = cluster.pool.end().catch(() => {});
      await cluster.events.stop();
      void ended;
    },
  };
}
