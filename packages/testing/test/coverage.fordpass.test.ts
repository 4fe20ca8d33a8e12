import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type FlowResult, type JsonObject } from '@configflow/core';
import { browserSignIn, type FordSimulator, startFordSimulator } from '@configflow/ford-simulator';
import { createFordPassIntegration } from '@configflow/fordpass';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoverageSpec, createFlowHarness, formatCoverageTable, runCoverage } from '../src/index.ts';
import { HeldEntryStore } from './heldEntryStore.ts';

const USER = 'driver@example.com';
const OTHER = 'someone@example.com';
const PASSWORD = 'secret';
const VIN = '1FMCU9G67LUA00001';
let sim: FordSimulator;
let subject = '';

beforeAll(async () => {
  sim = await startFordSimulator({ port: 0, startTime: 1_749_988_800 });
  subject = sim.control.createAccount({
    username: USER,
    password: PASSWORD,
    region: 'deu',
    vehicles: [{ vin: VIN, model: 'Kuga', year: 2022 }],
  }).subject;
  sim.control.createAccount({ username: OTHER, password: PASSWORD, region: 'deu', vehicles: [] });
});
afterAll(() => sim.close());

/** The browser half of the sign-in, scripted against the simulator with the flow's own PKCE challenge. */
async function signIn(shown: FlowResult, username: string): Promise<{ url: string }> {
  return { url: await browserSignIn(sim.url, shown.url!, { username, password: PASSWORD }) };
}

/** A world per path: a fresh token folder, the FordPass flow over the simulator, a harness. */
async function fordWorld() {
  const url = sim.url;
  const storageDir = await mkdtemp(join(tmpdir(), 'fordpass-coverage-'));
  const integration = createFordPassIntegration({
    api: { login: url, foundational: url, autonomic: url, vehicleApi: url, telemetry: url, command: url },
    storageDir,
    clock: new FakeClock(sim.clock.now() * 1000),
  });
  const entryStore = new HeldEntryStore();
  const h = createFlowHarness({ flows: [integration.flow], entryStore });
  return { manager: h.manager, h, integration, storageDir, entryStore };
}
type FordWorld = Awaited<ReturnType<typeof fordWorld>>;

const kuga = async ({ h }: FordWorld) => ({
  entryId: (
    await h.addMockEntry({
      domain: 'fordpass',
      title: 'Kuga (…0001)',
      uniqueId: VIN,
      data: { vin: VIN, accountId: subject, brand: 'ford', region: 'deu' },
    })
  ).entryId,
});
const kugaConfigured = (w: FordWorld) => kuga(w).then(() => {});
/** Replaces the entry's data (built late: the account's subject is known once the simulator runs). */
const changeEntry =
  (data: () => JsonObject) =>
  async ({ h }: FordWorld) => {
    await h.manager.entries.update(h.entries('fordpass')[0]!.entryId, { data: data() });
  };
/** The vehicle list answers 503: the flow falls back to typing the VIN. */
const vehicleListDown = () => {
  sim.control.addFault({ route: 'vehicles', status: 503 });
};

/** Signs in through a flow of its own up to the vehicle step: the account's tokens are stored. */
async function toVehicleStep({ h }: FordWorld, username = USER): Promise<string> {
  let shown = await h.init('fordpass');
  const { flowId } = shown;
  if (shown.stepId === 'setup_type') shown = await h.configure(flowId, { nextStepId: 'brand' });
  await h.configure(flowId, { brand: 'ford' });
  shown = await h.configure(flowId, { region: 'deu' });
  await h.configure(flowId, await signIn(shown, username));
  return flowId;
}
const accountStored = async (w: FordWorld) => {
  const flowId = await toVehicleStep(w);
  // With the car configured already, that flow ended by itself (no_vehicles).
  if (w.h.flows().some((f) => f.flowId === flowId)) await w.h.abort(flowId);
};
/** Another setup of the same car has claimed its VIN and is still saving its entry. */
const otherSetupSaving = async (w: FordWorld) => {
  const other = await toVehicleStep(w);
  w.entryStore.hold();
  void w.h.configure(other, { vin: VIN });
  while (w.entryStore.held === 0) await new Promise((resolve) => setImmediate(resolve));
};
const asUser = (_: FordWorld, shown: FlowResult) => signIn(shown, USER);
const badPaste = { input: { url: 'fordapp://userauthorized/?state=x' } };

const fordConfig: CoverageSpec<FordWorld> = {
  setup: fordWorld,
  teardown: async ({ h, entryStore, storageDir }) => {
    entryStore.release();
    sim.control.clearFaults();
    await h.stop();
    await rm(storageDir, { recursive: true, force: true });
  },
  sources: { reauth: kuga, reconfigure: kuga },
  edges: {
    user: { brand: {}, setup_type: { arrange: accountStored } },
    add_vehicle: {
      vehicle: { input: { account: USER } },
      vin: { input: { account: USER }, arrange: vehicleListDown },
      no_vehicles: { input: { account: USER }, arrange: kugaConfigured },
      errors: { input: { account: 'nobody@example.com' } },
    },
    brand: {
      region: { input: { brand: 'ford' } },
      no_filesystem_access: {
        input: { brand: 'ford' },
        // A file where the token folder should be: nothing can be written there.
        arrange: ({ storageDir }) => writeFile(join(storageDir, 'fordpass'), 'not a folder'),
      },
    },
    region: {
      token: { input: { region: 'deu' } },
      errors: { input: { region: 'lincoln_usa' } },
    },
    token: {
      vehicle: { input: asUser },
      vin: { input: asUser, arrange: vehicleListDown },
      no_vehicles: { input: asUser, arrange: kugaConfigured },
      errors: badPaste,
    },
    vehicle: {
      create_entry: { input: { vin: VIN } },
      already_configured: { input: { vin: VIN }, arrange: kugaConfigured },
      already_in_progress: { input: { vin: VIN }, arrange: otherSetupSaving },
      errors: { input: { vin: 'WF0XXXGCDX0000000' } },
    },
    vin: {
      create_entry: { input: { vin: VIN } },
      already_configured: { input: { vin: VIN }, arrange: kugaConfigured },
      already_in_progress: { input: { vin: VIN }, arrange: otherSetupSaving },
      errors: { input: { vin: 'not a vin' } },
    },
    reauth_confirm: {
      reauth_token: { input: { region: 'deu' } },
      reauth_not_possible: {
        input: { region: 'deu' },
        arrange: changeEntry(() => ({ vin: VIN, brand: 'ford' })),
      },
      errors: { input: { region: 'lincoln_usa' } },
    },
    reauth_token: {
      reauth_successful: { input: asUser },
      wrong_account: { input: (_: FordWorld, shown: FlowResult) => signIn(shown, OTHER) },
      vehicle_not_on_account: {
        input: asUser,
        arrange: changeEntry(() => ({
          vin: 'WF0XXXGCDX0000000',
          accountId: subject,
          brand: 'ford',
          region: 'deu',
        })),
      },
      errors: badPaste,
    },
    reconfigure: {
      reconfigure_successful: { input: { region: 'deu' }, arrange: accountStored },
      errors: { input: { region: 'lincoln_usa' } },
    },
  },
};

const fordOptions: CoverageSpec<FordWorld> = {
  setup: fordWorld,
  teardown: ({ h }) => h.stop(),
  sources: { options: kuga },
  edges: { init: { create_entry: { input: { pollInterval: 1800 } } } },
};

describe('path coverage: FordPass (on the simulator)', () => {
  it('reaches every declared step, edge and end of the config and options flows', async () => {
    const flow = (await fordWorld()).integration.flow;
    const config = await runCoverage(flow, fordConfig);
    const options = await runCoverage(flow.options!, fordOptions);
    console.log(formatCoverageTable([config, options]));
    expect(config.failures).toEqual([]);
    expect(config.ok && options.ok).toBe(true);
  });
});
