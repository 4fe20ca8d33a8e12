/** Path coverage recipes for the hello flows: shared by their coverage test and the docs test. */
import { createHelloFlow } from '@configflow/example-hello';
import { expect } from 'vitest';
import { type CoverageSpec, createFlowHarness, type FlowHarness } from '../src/index.ts';
import { HeldEntryStore } from './heldEntryStore.ts';
import { fakeHelloClient } from './helloDoubles.ts';

// Defining a flow compiles its forms (~100 ms), so the worlds share one whose client delegates to
// the current world's double. Replays run one after another.
let double = fakeHelloClient();
export const helloFlow = createHelloFlow({
  client: { connect: (host, token) => double.client.connect(host, token) },
});

/** One world per replayed path: a harness over the hello flow, with a fresh client double. */
function helloWorld() {
  double = fakeHelloClient();
  const entryStore = new HeldEntryStore();
  const h = createFlowHarness({ flows: [helloFlow], entryStore });
  return { manager: h.manager, h, double, entryStore };
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

export const helloConfig: CoverageSpec<HelloWorld> = {
  setup: helloWorld,
  teardown: ({ h, entryStore }) => {
    entryStore.release();
    return h.stop();
  },
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
      already_in_progress: {
        input: { host: 'kitchen.local', apiToken: 'hello-1' },
        // Another setup of the same device has claimed its unique id and is still saving its entry.
        arrange: async ({ h, entryStore }) => {
          const other = await h.init('hello');
          entryStore.hold();
          void h.configure(other.flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
          while (entryStore.held === 0) await new Promise((resolve) => setImmediate(resolve));
        },
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
};

export const helloOptions: CoverageSpec<HelloWorld> = {
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
