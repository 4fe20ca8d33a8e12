import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthFailed,
  ConfigEntries,
  type ConfigEntry,
  defineConfigFlow,
  EntryError,
  EntryNotReady,
  EntryRuntime,
  FakeClock,
  FlowManager,
  type Integration,
  MemoryEntryStore,
  RateLimited,
} from '../src/index.ts';

type Outcome = Error | undefined;

/** A scriptable integration: each setup/poll takes the next scripted outcome (success when empty). */
function scripted(opts: { version?: number; migrate?: Integration['migrate'] } = {}) {
  const script = { setup: [] as Outcome[], poll: [] as Outcome[] };
  const calls = { setup: 0, poll: 0, unload: 0 };
  const flow = defineConfigFlow({
    domain: 'acme',
    version: opts.version ?? 1,
    sources: { user: 'user', reauth: 'reauth_confirm' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({
          account: z.string(),
          vin: z.string(),
          password: z.string().meta({ secret: true }),
        }),
        next: ['create_entry'],
        async submit(input, f) {
          await f.setUniqueId(input.vin);
          return f.createEntry({ title: input.vin, data: input });
        },
      }),
      reauth_confirm: form({
        schema: z.object({ password: z.string().meta({ secret: true }) }),
        aborts: ['reauth_successful'],
        submit: (input, f) => f.updateReloadAndAbort(f.getReauthEntry(), { dataUpdates: input }),
      }),
    }),
  });
  const next = (list: Outcome[]) => {
    const outcome = list.shift();
    if (outcome) throw outcome;
  };
  const integration: Integration = {
    flow,
    async setup() {
      calls.setup++;
      next(script.setup);
      return {};
    },
    async poll(entry) {
      calls.poll++;
      next(script.poll);
      return { odometer: calls.poll, vin: String(entry.data.vin) };
    },
    async unload() {
      calls.unload++;
    },
    pollInterval: () => 300_000,
    accountKey: (entry) => String(entry.data.account),
    ...(opts.migrate ? { migrate: opts.migrate } : {}),
  };
  return { integration, script, calls };
}

async function world(opts: Parameters<typeof scripted>[0] = {}) {
  const clock = new FakeClock();
  const { integration, script, calls } = scripted(opts);
  const manager = new FlowManager({ flows: [integration.flow], clock });
  const logs: string[] = [];
  const runtime = new EntryRuntime({
    manager,
    integrations: [integration],
    clock,
    random: () => 0,
    log: (l) => logs.push(l),
  });
  const add = async (vin: string, account = 'acct-1', password = 's3cret-pw') => {
    const { flowId } = await manager.init('acme');
    const result = await manager.configure(flowId, { account, vin, password });
    await manager.idle();
    return manager.entries.require(result.entry!.entryId);
  };
  const reauthFlows = () => manager.list({ source: 'reauth' });
  return { clock, manager, runtime, script, calls, logs, add, reauthFlows };
}

describe('entry runtime: what starts a reauth, and what must not', () => {
  it('not ready: setup_retry with capped exponential backoff on a fake clock, never a reauth', async () => {
    const w = await world();
    w.script.setup.push(...Array.from({ length: 6 }, () => new EntryNotReady('connection refused')));
    const entry = await w.add('VIN1');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(w.manager.entries.require(entry.entryId)).toMatchObject({
        state: 'setup_retry',
        reason: 'connection refused',
      });
      waits.push(w.clock.pending()[0]!);
      await w.clock.advance(w.clock.pending()[0]!);
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 80_000]);
    expect(w.manager.entries.require(entry.entryId).state).toBe('loaded');
    expect(w.reauthFlows()).toEqual([]);
    expect(w.calls.setup).toBe(7);
  });

  it('network errors the integration did not wrap are still not-ready', async () => {
    const w = await world();
    w.script.setup.push(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }));
    const entry = await w.add('VIN1');
    expect(w.manager.entries.require(entry.entryId).state).toBe('setup_retry');
    expect(w.reauthFlows()).toEqual([]);
  });

  it('rate limited: waits Retry-After with no extra requests, never a reauth', async () => {
    const w = await world();
    w.script.setup.push(new RateLimited('429', 120_000));
    const entry = await w.add('VIN1');
    expect(w.runtime.status(entry.entryId).nextAttemptAt! - w.clock.now()).toBe(120_000);
    await w.clock.advance(119_000);
    expect(w.calls.setup).toBe(1);
    await w.clock.advance(1_000);
    expect(w.calls.setup).toBe(2);
    expect(w.manager.entries.require(entry.entryId).state).toBe('loaded');
    // While loaded, a 429 on a poll also waits exactly as long.
    w.script.poll.push(new RateLimited('429', 3_600_000));
    await w.runtime.refresh(entry.entryId);
    expect(w.runtime.status(entry.entryId).nextAttemptAt! - w.clock.now()).toBe(3_600_000);
    expect(w.reauthFlows()).toEqual([]);
  });

  it('auth failed: setup_error, polling stops, exactly one reauth flow', async () => {
    const w = await world();
    const entry = await w.add('VIN1');
    expect(w.manager.entries.require(entry.entryId).state).toBe('loaded');
    w.script.poll.push(new AuthFailed('460'));
    await w.runtime.refresh(entry.entryId);
    expect(w.manager.entries.require(entry.entryId)).toMatchObject({
      state: 'setup_error',
      reason: '460',
    });
    expect(w.clock.pending()).toEqual([]);
    expect(w.reauthFlows()).toHaveLength(1);
  });

  it('100 auth failures on one entry at once start one reauth flow', async () => {
    const w = await world();
    const entry = await w.add('VIN1');
    w.script.poll.push(...Array.from({ length: 100 }, () => new AuthFailed('460')));
    await Promise.all(Array.from({ length: 100 }, () => w.runtime.refresh(entry.entryId)));
    await w.runtime.idle();
    expect(w.reauthFlows()).toHaveLength(1);
    // Repeated failures while the flow is open start no second one.
    w.script.setup.push(new AuthFailed('460'), new AuthFailed('460'));
    await w.runtime.setup(entry.entryId);
    await w.runtime.reload(entry.entryId);
    await w.runtime.idle();
    expect(w.reauthFlows()).toHaveLength(1);
  });

  it('entries sharing an account: one reauth, and success reloads every entry of the account', async () => {
    const w = await world();
    const a = await w.add('VIN1');
    const b = await w.add('VIN2');
    const other = await w.add('VIN3', 'acct-2');
    w.script.poll.push(new AuthFailed('460'), new AuthFailed('460'));
    await w.runtime.refresh(a.entryId);
    await w.runtime.refresh(b.entryId);
    expect(w.reauthFlows()).toHaveLength(1);
    const [flow] = w.reauthFlows();
    expect(await w.manager.configure(flow!.flowId, { password: 'new-pw' })).toMatchObject({
      reason: 'reauth_successful',
    });
    await w.runtime.idle();
    for (const e of [a, b, other]) expect(w.manager.entries.require(e.entryId).state).toBe('loaded');
  });

  it('a reauth flow is aborted when its entry is removed, or reloaded successfully by other means', async () => {
    const w = await world();
    const a = await w.add('VIN1');
    const b = await w.add('VIN2', 'acct-2');
    w.script.poll.push(new AuthFailed('x'), new AuthFailed('x'));
    await w.runtime.refresh(a.entryId);
    await w.runtime.refresh(b.entryId);
    expect(w.reauthFlows()).toHaveLength(2);
    await w.manager.entries.remove(a.entryId);
    // The runtime aborts the flow in its background work (after unloading the entry): wait for it,
    // not only for the manager's queue, which may be empty before that work reaches it.
    await w.runtime.idle();
    expect(w.reauthFlows().map((f) => f.entryId)).toEqual([b.entryId]);
    await w.runtime.reload(b.entryId);
    await w.manager.idle();
    expect(w.reauthFlows()).toEqual([]);
  });

  it('loop guard: auth-failed → reauth → loaded → auth-failed again, repeatedly, stops prompting', async () => {
    const w = await world();
    const entry = await w.add('VIN1');
    for (let cycle = 0; cycle < 3; cycle++) {
      w.script.poll.push(new AuthFailed('460'));
      await w.runtime.refresh(entry.entryId);
      const [flow] = w.reauthFlows();
      expect(flow).toBeDefined();
      await w.manager.configure(flow!.flowId, { password: `pw-${cycle}` });
      await w.runtime.idle();
      expect(w.manager.entries.require(entry.entryId).state).toBe('loaded');
      await w.clock.advance(60_000);
    }
    w.script.poll.push(new AuthFailed('460'));
    await w.runtime.refresh(entry.entryId);
    expect(w.reauthFlows()).toEqual([]);
    const stuck = w.manager.entries.require(entry.entryId);
    expect(stuck.state).toBe('setup_error');
    expect(stuck.reason).toMatch(/^reauth_loop: .*3 times in 60 minutes.*other app/);
    // A person asking explicitly still gets a flow.
    const manual = await w.runtime.requestReauth(entry.entryId, { manual: true });
    expect(manual).toMatchObject({ type: 'form', stepId: 'reauth_confirm' });
  });

  it('failed polls make data stale, then unavailable; state changes are logged once, not per poll', async () => {
    const w = await world();
    const entry = await w.add('VIN1');
    expect(w.runtime.status(entry.entryId)).toMatchObject({ availability: 'fresh', data: { odometer: 1 } });
    const before = w.logs.length;
    for (let i = 0; i < 5; i++) await w.clock.advance(300_000);
    expect(w.calls.poll).toBe(6);
    expect(w.logs.length).toBe(before);
    w.script.poll.push(new EntryNotReady('503'), new EntryNotReady('503'), new EntryNotReady('503'));
    await w.runtime.refresh(entry.entryId);
    expect(w.runtime.status(entry.entryId)).toMatchObject({ availability: 'stale', data: { odometer: 6 } });
    await w.clock.advance(w.clock.pending()[0]!);
    await w.clock.advance(w.clock.pending()[0]!);
    expect(w.runtime.status(entry.entryId).availability).toBe('unavailable');
    await w.clock.advance(w.clock.pending()[0]!);
    expect(w.runtime.status(entry.entryId).availability).toBe('fresh');
    expect(w.manager.entries.require(entry.entryId).state).toBe('loaded');
    expect(w.logs.slice(before)).toEqual([
      'acme VIN1: data stale (503)',
      'acme VIN1: data unavailable (503)',
      'acme VIN1: data available again',
    ]);
    expect(w.reauthFlows()).toEqual([]);
  });

  it('a permanent error stops with its reason, and is not a reauth', async () => {
    const w = await world();
    const entry = await w.add('VIN1');
    w.script.poll.push(new EntryError('403', 'vehicle_not_authorized'));
    await w.runtime.refresh(entry.entryId);
    expect(w.manager.entries.require(entry.entryId)).toMatchObject({
      state: 'setup_error',
      reason: 'vehicle_not_authorized',
    });
    expect(w.reauthFlows()).toEqual([]);
  });

  it('migration: success bumps the version; failure leaves migration_error with data untouched', async () => {
    const migrated = await world({
      version: 2,
      migrate: async (e: ConfigEntry) => ({ data: { ...e.data, region: 'deu' } }),
    });
    const entry = await migrated.manager.entries.add({
      domain: 'acme',
      title: 'old',
      data: { vin: 'V' },
      source: 'user',
      version: 1,
    });
    await migrated.runtime.setup(entry.entryId);
    expect(migrated.manager.entries.require(entry.entryId)).toMatchObject({
      version: 2,
      state: 'loaded',
      data: { region: 'deu' },
    });

    const failing = await world({ version: 2, migrate: async () => false });
    const old = await failing.manager.entries.add({
      domain: 'acme',
      title: 'old',
      data: { vin: 'V' },
      source: 'user',
      version: 1,
    });
    await failing.runtime.setup(old.entryId);
    expect(failing.manager.entries.require(old.entryId)).toMatchObject({
      state: 'migration_error',
      version: 1,
      data: { vin: 'V' },
    });
    expect(failing.calls.setup).toBe(0);
  });

  it('secrets never appear in logs, errors or diagnostics', async () => {
    const w = await world();
    w.script.setup.push(new EntryNotReady('login with s3cret-pw failed'));
    const entry = await w.add('VIN1');
    expect(w.manager.entries.require(entry.entryId).reason).toBe('login with **REDACTED** failed');
    const diagnostics = JSON.stringify(await w.runtime.diagnostics(entry.entryId));
    expect(diagnostics).toContain('VIN1');
    expect(diagnostics).not.toContain('s3cret-pw');
    expect(w.logs.join('\n')).not.toContain('s3cret-pw');
    expect(w.logs.join('\n')).toContain('**REDACTED**');
  });
});

describe('entry runtime: start', () => {
  it('sets up every stored entry, startConcurrency at a time (default 16)', async () => {
    const store = new MemoryEntryStore();
    const at = new Date(0).toISOString();
    for (let i = 0; i < 40; i++)
      await store.put({
        entryId: `e${i}`,
        domain: 'acme',
        title: `V${i}`,
        uniqueId: `V${i}`,
        data: { account: `acct-${i}`, vin: `V${i}` },
        options: {},
        version: 1,
        minorVersion: 1,
        source: 'user',
        state: 'not_loaded',
        reason: null,
        createdAt: at,
        modifiedAt: at,
      } satisfies ConfigEntry);
    let inFlight = 0;
    let most = 0;
    const { integration } = scripted();
    const counted: Integration = {
      ...integration,
      async setup() {
        most = Math.max(most, ++inFlight);
        // A setup that waits on I/O: the others started meanwhile are the ones running at once.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return {};
      },
    };
    for (const [concurrency, expected] of [
      [undefined, 16],
      [3, 3],
    ] as const) {
      const entries = new ConfigEntries({ store });
      await entries.load();
      const manager = new FlowManager({ flows: [integration.flow], entries });
      most = 0;
      const runtime = new EntryRuntime({
        manager,
        integrations: [counted],
        clock: new FakeClock(),
        ...(concurrency ? { startConcurrency: concurrency } : {}),
      });
      await runtime.start();
      expect(entries.list().filter((e) => e.state === 'loaded')).toHaveLength(40);
      expect(most).toBe(expected);
      await runtime.stop();
    }
  });
});
