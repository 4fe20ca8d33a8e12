import { defineConfigFlow, FlowManager } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CoverageFailed,
  type CoverageSpec,
  coverage,
  exploreFlow,
  flowEdges,
  formatCoverageTable,
  runCoverage,
} from '../src/index.ts';
import { type Backend, createTourFlow, tourStrings } from './tourFlow.ts';

function tourWorld() {
  const backend: Backend = { syncOk: true, syncs: 0 };
  return { manager: new FlowManager({ flows: [createTourFlow(backend)] }), backend };
}
type TourWorld = ReturnType<typeof tourWorld>;

const tourSpec = (): CoverageSpec<TourWorld> => ({
  setup: tourWorld,
  teardown: ({ manager }) => manager.stop(),
  edges: {
    account: {
      sync: { input: { code: 'ok' } },
      errors: { input: { code: 'bad' }, check: (r) => expect(r.errors).toEqual({ base: 'bad_code' }) },
      cancelled: { input: { code: 'cancel' } },
    },
    sync: {
      name: {
        arrange: (w) => {
          w.backend.syncOk = true;
        },
      },
      sync_failed: {
        arrange: (w) => {
          w.backend.syncOk = false;
        },
      },
    },
    device: { name: { input: { host: 'h' } } },
    name: { create_entry: { input: { title: 'T' } } },
  },
});
const tour = createTourFlow({ syncOk: true, syncs: 0 });

describe('the statechart graph', () => {
  it('lists every declared edge, with the engine-added ones optional', () => {
    const edges = flowEdges(tour).map((e) => `${e.stepId}/${e.name}->${e.to}${e.optional ? '?' : ''}`);
    expect(edges).toEqual([
      'pick/account->account',
      'pick/device->device',
      'account/sync->sync',
      'account/cancelled->abort_cancelled',
      'account/errors->account',
      'sync/name->name',
      'sync/sync_failed->abort_sync_failed',
      'sync/unknown->abort_unknown?',
      'device/name->name',
      'device/errors->device?',
      'name/create_entry->create_entry',
      'name/errors->name?',
    ]);
  });

  it('explores the real machine with synthetic outcomes, never running a step', () => {
    const backend = { syncOk: true, syncs: 0 };
    const graph = exploreFlow(createTourFlow(backend), 'user');
    expect([...graph.finals].sort()).toEqual([
      'abort_cancelled',
      'abort_sync_failed',
      'abort_unknown',
      'create_entry',
    ]);
    expect(graph.shortest.get('create_entry')?.hops.map((h) => h.name)).toEqual([
      'device',
      'name',
      'create_entry',
    ]);
    expect(backend.syncs).toBe(0);
  });
});

describe('path coverage', () => {
  it('replays a path to every edge: menus, external and progress steps, prefixes through other steps', async () => {
    const report = await coverage(tour, tourSpec());
    const table = formatCoverageTable(report);
    console.log(table);
    expect(report.unreached).toEqual({ steps: [], edges: [], ends: [], errorKeys: [] });
    // One replay per recipe plus one per menu option.
    expect(report.replays).toBe(9);
    expect(table).toContain('| total          | 9              | 9       | 100% |');
    expect(report.steps.find((s) => s.stepId === 'sync')?.edges.map((e) => [e.name, e.reached])).toEqual([
      ['name', true],
      ['sync_failed', true],
      ['unknown', false],
    ]);
  });

  it('fails, naming the recipe, when an edge has none; its end goes unreached', async () => {
    const spec = tourSpec();
    delete spec.edges.sync!.sync_failed;
    const report = await runCoverage(tour, spec);
    expect(report.ok).toBe(false);
    expect(report.failures).toContain(
      'sync --sync_failed--> abort_sync_failed: no recipe (edges.sync.sync_failed)',
    );
    expect(report.unreached).toMatchObject({ edges: ['sync/sync_failed'], ends: ['abort_sync_failed'] });
    await expect(coverage(tour, spec)).rejects.toThrow(CoverageFailed);
  });

  it('fails when every path to an edge needs an edge without a recipe', async () => {
    const spec = tourSpec();
    delete spec.edges.account!.sync;
    const report = await runCoverage(tour, spec);
    expect(report.failures).toContain(
      'sync --name--> name: cannot be replayed: every path to it needs an edge without a recipe (e.g. account --sync-->)',
    );
    expect(report.unreached.steps).toEqual(['sync']);
  });

  it('fails when a recipe makes the step end elsewhere, saying where', async () => {
    const spec = tourSpec();
    spec.edges.account!.cancelled = { input: { code: 'fine' } };
    const report = await runCoverage(tour, spec);
    expect(report.failures).toEqual([
      '[user] pick --account--> account account --cancelled--> abort_cancelled: expected abort "cancelled", got progress "sync"',
      'end "abort_cancelled" was never reached',
    ]);
  });

  it('fails on input the form rejects, on misspelt recipes and on stale waivers', async () => {
    const spec = tourSpec();
    spec.edges.name!.create_entry = { input: { title: '' } };
    spec.edges.nmae = { create_entry: {} };
    spec.unreachable = { device: { name: 'thought unreachable' } };
    const { failures } = await runCoverage(tour, spec);
    expect(failures).toContain(
      '[user] pick --device--> device device --name--> name name --create_entry--> create_entry: the recipe\'s input was rejected: {"title":"too_short"}',
    );
    expect(failures).toContain('edges.nmae.create_entry: the flow declares no such edge (no step "nmae")');
    expect(failures).toContain(
      'device --name--> is listed as unreachable ("thought unreachable") but was reached: drop the waiver',
    );
  });

  it('fails when a result refers to a text the strings lack', async () => {
    const strings = structuredClone(tourStrings());
    delete (strings.en!.config!.abort as Record<string, string>).sync_failed;
    const world = () => {
      const backend: Backend = { syncOk: true, syncs: 0 };
      return { manager: new FlowManager({ flows: [createTourFlow(backend, strings)] }), backend };
    };
    const report = await runCoverage(createTourFlow({ syncOk: true, syncs: 0 }, strings), {
      ...tourSpec(),
      setup: world,
    });
    expect(report.failures).toEqual([
      expect.stringMatching(
        /sync --sync_failed--> abort_sync_failed: missing abort reason "sync_failed": config\.abort\.sync_failed$/,
      ),
    ]);
  });

  it('fails a flow with steps that can never end', async () => {
    const loop = defineConfigFlow({
      domain: 'loop',
      sources: { user: 'a' },
      steps: ({ form }) => ({
        a: form({ schema: z.object({}), next: ['b'], submit: (_, f) => f.next('b') }),
        b: form({ schema: z.object({}), next: ['a'], submit: (_, f) => f.next('a') }),
      }),
    });
    const report = await runCoverage(loop, {
      setup: () => ({ manager: new FlowManager({ flows: [loop] }) }),
      edges: { a: { b: {} }, b: { a: {} } },
      translations: false,
    });
    expect(report.failures).toEqual([
      'a: a step with no way out (no end can be reached from it)',
      'a (running): a step with no way out (no end can be reached from it)',
      'b: a step with no way out (no end can be reached from it)',
      'b (running): a step with no way out (no end can be reached from it)',
    ]);
    // Both edges replay fine: the flow just never ends.
    expect(report.unreached.edges).toEqual([]);
  });

  it('fails when the manager runs another definition than the one covered', async () => {
    const other = defineConfigFlow({
      domain: 'tour',
      sources: { user: 'pick' },
      steps: ({ form }) => ({
        pick: form({
          schema: z.object({}),
          next: ['create_entry'],
          submit: (_, f) => f.createEntry({ title: 't', data: {} }),
        }),
      }),
    });
    const report = await runCoverage(tour, {
      ...tourSpec(),
      setup: () => ({ manager: new FlowManager({ flows: [other] }), backend: { syncOk: true, syncs: 0 } }),
    });
    expect(report.failures[0]).toBe(
      'tour: the manager from setup() runs a different config flow than the one covered',
    );
  });
});
