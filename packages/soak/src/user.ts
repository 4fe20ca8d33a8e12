import { type FlowManager, type FlowResult, UnknownFlow } from '@configflow/core';
import { type FordSimulator, browserSignIn as signInOnSimulator } from '@configflow/ford-simulator';
import type { Random } from './random.ts';

/** A Ford account of the soak and the person behind it. */
export interface Person {
  username: string;
  password: string;
  subject: string;
  region: string;
  vins: string[];
  /** What this person sets in the options flow (seconds); undefined keeps the adapter's default. */
  pollIntervalS: number | undefined;
  /** Entry ids, once created. */
  entryIds: string[];
}

/** The browser sign-in, scripted: `POST /_sim/login` with the flow's own PKCE challenge. */
export function browserSignIn(sim: FordSimulator, authorizeUrl: string, person: Person): Promise<string> {
  return signInOnSimulator(sim.url, authorizeUrl, person);
}

function expect(result: FlowResult, type: string, stepId?: string): FlowResult {
  if (result.type !== type || (stepId !== undefined && result.stepId !== stepId)) {
    const errors = result.errors ? ` errors=${JSON.stringify(result.errors)}` : '';
    const reason = result.reason ? ` reason=${result.reason}` : '';
    throw new Error(
      `expected ${type} ${stepId ?? ''}, got ${result.type} ${result.stepId}${errors}${reason}`,
    );
  }
  return result;
}

/** Waits for the setup that `create_entry` starts in the background (the runtime does not track it). */
async function settled(manager: FlowManager, entryId: string): Promise<void> {
  for (let i = 0; i < 200_000; i++) {
    const state = manager.entries.get(entryId)?.state;
    if (state !== 'not_loaded' && state !== 'setup_in_progress') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`entry ${entryId} never finished its setup`);
}

/**
 * The simulated person: adds the account's vehicles through the real flows, sets a poll interval
 * through the options flow, and completes every reauth flow some minutes after it appears.
 */
export class User {
  constructor(
    private readonly sim: FordSimulator,
    private readonly rng: Random,
  ) {}

  /** Minutes until the person notices a reauth prompt and signs in again. */
  reactionMs(): number {
    return this.rng.int(2, 30) * 60_000;
  }

  retryMs(): number {
    return this.rng.int(5, 15) * 60_000;
  }

  /** New account: brand, region, the browser sign-in, then the vehicle. */
  async addWithSignIn(manager: FlowManager, person: Person, vin: string): Promise<string> {
    const flowId = (await manager.init('fordpass')).flowId;
    await manager.idle();
    let r = await manager.configure(flowId);
    if (r.stepId === 'setup_type') r = await manager.configure(flowId, { nextStepId: 'brand' });
    expect(r, 'form', 'brand');
    expect(await manager.configure(flowId, { brand: 'ford' }), 'form', 'region');
    r = expect(await manager.configure(flowId, { region: person.region }), 'external', 'token');
    const pasted = await browserSignIn(this.sim, r.url!, person);
    // Home Assistant's external_done names the next step; the next read shows it.
    expect(await manager.configure(flowId, { url: pasted }), 'external_done', 'vehicle');
    expect(await manager.configure(flowId), 'form', 'vehicle');
    return this.pickVehicle(manager, flowId, vin);
  }

  /** "Add a vehicle to an account already signed in": no sign-in, the stored tokens are used. */
  async addToSignedInAccount(manager: FlowManager, person: Person, vin: string): Promise<string> {
    const flowId = (await manager.init('fordpass')).flowId;
    await manager.idle();
    expect(await manager.configure(flowId), 'menu', 'setup_type');
    expect(await manager.configure(flowId, { nextStepId: 'add_vehicle' }), 'form', 'add_vehicle');
    expect(await manager.configure(flowId, { account: person.subject }), 'form', 'vehicle');
    return this.pickVehicle(manager, flowId, vin);
  }

  private async pickVehicle(manager: FlowManager, flowId: string, vin: string): Promise<string> {
    const created = expect(await manager.configure(flowId, { vin }), 'create_entry');
    const entryId = created.entry!.entryId;
    await settled(manager, entryId);
    return entryId;
  }

  /** The options flow: a poll interval that keeps the account's vehicles inside Ford's budget. */
  async setPollInterval(manager: FlowManager, entryId: string, seconds: number): Promise<void> {
    const r = expect(await manager.init('fordpass', { source: 'options', entryId }), 'form', 'init');
    expect(
      await manager.configure(r.flowId, { pollInterval: seconds, pressureUnit: 'kPa', distanceUnit: 'km' }),
      'create_entry',
    );
  }

  /**
   * Opens the reauth prompt and signs in again. `done`: the flow ended (successfully or because it
   * was no longer needed); `retry`: Ford was unreachable, try again later.
   */
  async completeReauth(
    manager: FlowManager,
    flowId: string,
    person: Person,
  ): Promise<{ outcome: 'done' | 'gone' | 'retry'; detail: string }> {
    try {
      if (!manager.list({ source: 'reauth' }).some((f) => f.flowId === flowId))
        return { outcome: 'gone', detail: 'flow no longer open' };
      let r = await manager.configure(flowId);
      if (r.stepId === 'reauth_confirm') r = await manager.configure(flowId, { region: person.region });
      if (r.type !== 'external') return { outcome: 'retry', detail: `at ${r.type} ${r.stepId}` };
      const pasted = await browserSignIn(this.sim, r.url!, person);
      r = await manager.configure(flowId, { url: pasted });
      if (r.type === 'abort') return { outcome: 'done', detail: r.reason ?? '' };
      return { outcome: 'retry', detail: JSON.stringify(r.errors ?? {}) };
    } catch (error) {
      if (error instanceof UnknownFlow) return { outcome: 'gone', detail: 'flow ended meanwhile' };
      return { outcome: 'retry', detail: String((error as Error).message ?? error) };
    }
  }
}
