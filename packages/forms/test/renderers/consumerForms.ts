import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHelloFlow } from '../../../../examples/hello/src/index.ts';
// Imported by path, not as packages: core, hello and FordPass depend on @configflow/forms, and a
// dependency back from here would make a cycle.
import { ConfigEntries, FlowManager } from '../../../core/src/index.ts';
import { browserSignIn, startFordSimulator } from '../../../ford-simulator/src/index.ts';
import { createFordPassIntegration, sameOrigin } from '../../../fordpass/src/index.ts';
import type { FormDescription } from '../../src/index.ts';

export const VIN = '1FMCU9G67LUA00001';
export const VIN_2 = '3FMTK3SU5MMA00002';

/** What a user is shown, step by step: the `form` of each result, as a renderer would receive it. */
export interface ConsumerForms {
  hello: { user: FormDescription; reauth: FormDescription; options: FormDescription };
  fordpass: {
    brand: FormDescription;
    region: FormDescription;
    token: FormDescription;
    vehicle: FormDescription;
    options: FormDescription;
  };
  close(): Promise<void>;
}

const formOf = (result: { form?: unknown; stepId: string }): FormDescription => {
  if (!result.form) throw new Error(`step ${result.stepId} has no form`);
  return result.form as FormDescription;
};

/** Walks hello's and FordPass's real flows (FordPass against the Ford simulator) and keeps each form. */
export async function consumerForms(): Promise<ConsumerForms> {
  const sim = await startFordSimulator({ port: 0, startTime: 1_749_988_800 });
  const storageDir = await mkdtemp(join(tmpdir(), 'configflow-forms-'));
  try {
    await sim.control.createAccount({
      username: 'driver@example.com',
      password: 'secret',
      region: 'deu',
      vehicles: [
        { vin: VIN, model: 'Kuga', year: 2022 },
        { vin: VIN_2, model: 'Mustang Mach-E', year: 2023 },
      ],
    });
    const fordpass = createFordPassIntegration({ api: sameOrigin(sim.url), storageDir });
    const entries = new ConfigEntries();
    const manager = new FlowManager({
      flows: [createHelloFlow(), fordpass.flow],
      entries,
      idleTimeoutMs: 0,
    });

    const helloUser = await manager.init('hello');
    const created = await manager.configure(helloUser.flowId, { host: 'porch', apiToken: 'hello-1' });
    const entryId = created.entry!.entryId;
    const reauth = await manager.init('hello', { source: 'reauth', entryId });
    const options = await manager.init('hello', { source: 'options', entryId });

    let step = await manager.init('fordpass');
    await manager.idle();
    step = await manager.configure(step.flowId);
    const brand = step;
    const region = await manager.configure(step.flowId, { brand: 'ford' });
    const token = await manager.configure(step.flowId, { region: 'deu' });
    const pasted = await browserSignIn(sim.url, token.url!, {
      username: 'driver@example.com',
      password: 'secret',
    });
    let vehicle = await manager.configure(step.flowId, { url: pasted });
    // HA's order: an external step reports `external_done`, the next configure shows what follows.
    if (vehicle.type === 'external_done') vehicle = await manager.configure(step.flowId);
    const entry = await entries.add({
      domain: 'fordpass',
      title: 'Kuga',
      uniqueId: VIN,
      data: { vin: VIN },
      options: { pollInterval: 900, pressureUnit: 'kPa', distanceUnit: 'km' },
      source: 'user',
    });
    const fordOptions = await manager.init('fordpass', { source: 'options', entryId: entry.entryId });
    await manager.stop();
    return {
      hello: { user: formOf(helloUser), reauth: formOf(reauth), options: formOf(options) },
      fordpass: {
        brand: formOf(brand),
        region: formOf(region),
        token: formOf(token),
        vehicle: formOf(vehicle),
        options: formOf(fordOptions),
      },
      async close() {
        await sim.close();
        await rm(storageDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sim.close();
    await rm(storageDir, { recursive: true, force: true });
    throw error;
  }
}
