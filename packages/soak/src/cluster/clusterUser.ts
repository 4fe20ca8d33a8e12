import { browserSignIn } from '@configflow/ford-simulator';
import { call, sleep } from './api.ts';
import type { ClusterPerson } from './person.ts';

const READ = Symbol('read the flow');

/** What the person is doing in a flow: the input each step gets follows from it. */
export type Intent =
  | { kind: 'sign_in'; person: ClusterPerson; vin: string }
  | { kind: 'add_vehicle'; person: ClusterPerson; vin: string }
  | { kind: 'reauth'; person: ClusterPerson };

/** How a flow ended: an entry made, a reason for an abort. */
export interface FlowEnd {
  flowId: string;
  type: 'create_entry' | 'abort';
  entryId: string | undefined;
  reason: string | undefined;
  /** Steps submitted, and on which instances (by name). */
  steps: number;
  instances: string[];
}

/** The instance to send the next request to, asked afresh each step (the last one may have died). */
export type Where = () => { url: string; name: string };

/**
 * The person's side of the FordPass flows, over HTTP: each step's input follows from the step the
 * server shows. `before(step, result)` runs before each submission, so the soak can kill the instance
 * between two steps; a request lost with a killed instance is sent again to whichever `where` names.
 */
export class ClusterUser {
  constructor(
    private readonly simUrl: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(where: Where, intent: Intent, entryId?: string): Promise<{ flowId: string; result: any }> {
    const at = where();
    const r =
      intent.kind === 'reauth'
        ? await call('POST', `${at.url}/api/entries/${entryId}/reauth`)
        : await call('POST', `${at.url}/api/flows`, { handler: 'fordpass' });
    if (r.status !== 200 || !r.body?.flowId)
      throw new Error(`starting ${intent.kind}: ${r.status} ${JSON.stringify(r.body)}`);
    return { flowId: r.body.flowId, result: r.body };
  }

  /** Steps the flow to its end. */
  async finish(
    flowId: string,
    first: any,
    intent: Intent,
    where: Where,
    before: (step: number, result: any) => Promise<void> = async () => {},
  ): Promise<FlowEnd> {
    let result = first;
    const instances: string[] = [];
    for (let step = 0; step < 20; step++) {
      if (result.type === 'create_entry' || result.type === 'abort') {
        return {
          flowId,
          type: result.type,
          entryId: result.entry?.entryId ?? result.result?.entryId,
          reason: result.reason,
          steps: step,
          instances,
        };
      }
      // Ford could not be reached meanwhile (a kill cut a request): the person tries the step again.
      if (result.errors && Object.keys(result.errors).length > 0) await sleep(500);
      await before(step, result);
      const input = await this.inputFor(result, intent);
      this.log(
        `    ${intent.kind} ${flowId.slice(0, 8)}: ${result.type} ${result.stepId}${result.errors ? ` ${JSON.stringify(result.errors)}` : ''}`,
      );
      result = await this.submit(flowId, input, where, instances);
    }
    throw new Error(
      `flow ${flowId} (${intent.kind}) did not end in 20 steps: at ${result.type} ${result.stepId}`,
    );
  }

  /**
   * One submission. A request lost with a killed instance may or may not have moved the flow on: the
   * flow is read again from the next instance, and its current step decides the next input.
   */
  private async submit(flowId: string, input: unknown, where: Where, instances: string[]): Promise<any> {
    let last = '';
    for (let attempt = 0; attempt < 40; attempt++) {
      const at = where();
      try {
        const r =
          attempt === 0 && input !== READ
            ? await call('POST', `${at.url}/api/flows/${flowId}`, input)
            : await call('GET', `${at.url}/api/flows/${flowId}`);
        instances.push(at.name);
        if (r.status === 200) return r.body;
        last = `${r.status} ${JSON.stringify(r.body)}`;
      } catch (error) {
        last = String((error as Error).message);
      }
      this.log(`    flow ${flowId.slice(0, 8)} on ${at.name}: ${last}`);
      await sleep(250);
    }
    throw new Error(`flow ${flowId}: step not accepted: ${last}`);
  }

  private async inputFor(result: any, intent: Intent): Promise<unknown> {
    const person = intent.person;
    const step = `${result.type}:${result.stepId}`;
    switch (step) {
      case 'menu:setup_type':
        return { nextStepId: intent.kind === 'add_vehicle' ? 'add_vehicle' : 'brand' };
      case 'form:brand':
        return { brand: 'ford' };
      case 'form:region':
      case 'form:reauth_confirm':
        return { region: person.region };
      case 'form:add_vehicle':
        return { account: person.subject };
      case 'form:vehicle':
      case 'form:vin':
        if (intent.kind === 'reauth') throw new Error(`reauth flow at ${step}`);
        return { vin: intent.vin };
      case 'external:token':
      case 'external:reauth_token':
        // The browser: Ford's sign-in page with the flow's own PKCE challenge, the address pasted back.
        return { url: await browserSignIn(this.simUrl, result.url, person) };
      default:
        if (result.type === 'external_done') return READ;
        throw new Error(`unexpected step ${step} ${JSON.stringify(result.errors ?? {})}`);
    }
  }
}
