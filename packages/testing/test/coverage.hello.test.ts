import { createHelloFlow } from '@configflow/example-hello';
import { describe, expect, it } from 'vitest';
import {
  type CoverageSpec,
  coverage,
  createFlowHarness,
  type FlowHarness,
  formatCoverageTable,
  runCoverage,
} from '../src/index.ts';
import { fakeHelloClient } from './helloDoubles.ts';

// Defining a flow compiles its forms (~100 ms), so the worlds share one whose client delegates to
// the current world's double. Replays run one after another.
let double = fakeHelloClient();
const helloFlow = createHelloFlow({
  client: { connect: (host, token) => double.client.connect(host, token) },
});

/** One world per replayed path: a harness over the hello flow, with a fresh client double. */
function helloWorld() {
  double = fakeHelloClient();
  const h = createFlowHarness({ flows: [helloFlow] });
  return { manager: h.manager, h, double };
}
type HelloWorld = ReturnType<typeof helloWorld>;

const kitchen = (h: FlowHarness) =>
  h.addMockEntry({
    domain: 'hello',
    title: 'Hello kitchen.local',
    uniqueId: 'dev-kitchen.local',
    data: { host: 'kitchen.local', apiToken: 'hello-1' },
  });
const fromKitchen = async ({ h }: HelloWorld) => ({ entryId: (await kitchen(h)).entryId });

const failures = (input: object) => [
  { input, arrange: ({ double }: HelloWorld) => double.cannotConnect() },
  { input, arrange: ({ double }: HelloWorld) => double.invalidAuth() },
  { input, arrange: ({ double }: HelloWorld) => double.crash() },
];

const helloConfig: CoverageSpec<HelloWorld> = {
  setup: helloWorld,
  teardown: ({ h }) => h.stop(),
  sources: { reauth: fromKitchen, reconfigure: fromKitchen },
  edges: {
    user: {
      create_entry: {
        input: { host: 'kitchen.local', apiToken: 'hello-1' },
        check: (result, { h }) => {
          expect(h.entry(result.entry!.entryId)).toMatchObject({ uniqueId: 'dev-kitchen.local' });
        },
      },
      already_configured: {
        input: { host: 'kitchen.local', apiToken: 'hello-1' },
        arrange: ({ h }) => kitchen(h).then(() => {}),
      },
      errors: failures({ host: 'kitchen.local', apiToken: 'hello-1' }),
    },
    reauth_confirm: {
      reauth_successful: {
        input: { apiToken: 'hello-2' },
        check: (_, { h }) => {
          expect(h.entries('hello')[0]!.data.apiToken).toBe('hello-2');
        },
      },
      wrong_account: {
        input: { apiToken: 'hello-other' },
        arrange: ({ double }) => {
          double.state.owners.set('hello-other', 'dev-elsewhere');
        },
      },
      errors: failures({ apiToken: 'hello-2' }),
    },
    reconfigure: {
      reconfigure_successful: {
        input: { host: '10.0.0.9' },
        arrange: ({ double }) => {
          double.state.owners.set('hello-1', 'dev-kitchen.local');
        },
      },
      wrong_account: { input: { host: 'garage.local' } },
      errors: failures({ host: '10.0.0.9' }),
    },
  },
  unreachable: {
    user: {
      already_in_progress:
        'setUniqueId is the last await before the step ends, and another flow only sees a unique id once a step persists it',
    },
  },
};

const helloOptions: CoverageSpec<HelloWorld> = {
  setup: helloWorld,
  teardown: ({ h }) => h.stop(),
  sources: { options: fromKitchen },
  edges: {
    init: {
      create_entry: {
        input: { scanInterval: 120 },
        check: (_, { h }) => {
          expect(h.entries('hello')[0]!.options).toEqual({ scanInterval: 120, greeting: 'Hello' });
        },
      },
    },
  },
};

describe('path coverage: hello', () => {
  it('reaches every declared step, edge and end of the config and options flows', async () => {
    const config = await coverage(helloFlow, helloConfig);
    const options = await coverage(helloFlow.options!, helloOptions);
    console.log(formatCoverageTable([config, options]));
    expect(config.ok && options.ok).toBe(true);
  });

  it('confirms the waiver: a concurrent setup of the same device ends already_configured, not already_in_progress', async () => {
    const { unreachable: _, ...spec } = helloConfig;
    const report = await runCoverage(helloFlow, {
      ...spec,
      edges: {
        ...spec.edges,
        user: {
          ...spec.edges.user,
          already_in_progress: {
            input: { host: 'kitchen.local', apiToken: 'hello-1' },
            // Another setup of the device, held inside its connection check, as in HA's concurrency tests.
            arrange: async ({ h, double }) => {
              const other = await h.init('hello');
              const held = new Promise<never>(() => {});
              const connect = double.client.connect;
              double.client.connect = (host, token) => (host === 'held' ? held : connect(host, token));
              void h.configure(other.flowId, { host: 'held', apiToken: 'hello-1' });
            },
          },
        },
      },
    });
    expect(report.failures).toEqual([
      '[user] user --already_in_progress--> abort_already_in_progress: expected abort "already_in_progress", got create_entry "Hello kitchen.local"',
      'end "abort_already_in_progress" was never reached',
    ]);
  });
});
