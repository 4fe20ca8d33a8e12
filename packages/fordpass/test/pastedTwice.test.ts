import { FlowManager } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { browserSignIn, createAccount, setupWorld, toTokenStep, VIN_A } from './helpers.ts';

const USER = 'twice@example.com';

describe('the sign-in paste box (issue 16)', () => {
  it('takes the same address pasted twice, and names two different ones instead of "cut off"', async () => {
    const w = await setupWorld();
    const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
    await createAccount(w.sim, USER, [VIN_A]);

    const token = await toTokenStep(manager);
    const first = await browserSignIn(w.sim, token.url!, USER);
    const second = await browserSignIn(w.sim, token.url!, USER);
    const mixed = await manager.configure(token.flowId, { url: `${first}\n${second}` });
    expect(mixed).toMatchObject({ stepId: 'token', errors: { url: 'url_pasted_twice' } });

    let next = await manager.configure(token.flowId, { url: `${second}${second}` });
    if (next.type === 'external_done') next = await manager.configure(token.flowId);
    expect(next).toMatchObject({ type: 'form', stepId: 'vehicle' });
  });
});
