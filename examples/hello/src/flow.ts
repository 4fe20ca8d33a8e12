import { defineConfigFlow } from '@configflow/core';
import { z } from 'zod';
import { CannotConnect, demoClient, type HelloClient, InvalidAuth } from './client.ts';
import { strings } from './strings.ts';

const token = z.string().min(1).meta({ secret: true, autocomplete: 'off' });

/**
 * The flow from Home Assistant's reauthentication rule, with configflow: a `user` step that checks the
 * connection before creating the entry, a `reauth` step asking for a new token, a `reconfigure` step for
 * the host, and an options flow.
 */
export function createHelloFlow({ client = demoClient }: { client?: HelloClient } = {}) {
  /** Maps the client's failures to error keys; anything unexpected is `unknown`. */
  async function check(host: string, apiToken: string) {
    try {
      return { ok: true as const, device: await client.connect(host, apiToken) };
    } catch (error) {
      if (error instanceof CannotConnect) return { ok: false as const, error: 'cannot_connect' as const };
      if (error instanceof InvalidAuth) return { ok: false as const, error: 'invalid_auth' as const };
      return { ok: false as const, error: 'unknown' as const };
    }
  }

  return defineConfigFlow({
    domain: 'hello',
    title: 'Hello device',
    version: 1,
    strings,
    sources: { user: 'user', reauth: 'reauth_confirm', reconfigure: 'reconfigure' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ host: z.string().min(1).max(253), apiToken: token }),
        next: ['create_entry'],
        errors: ['cannot_connect', 'invalid_auth'],
        aborts: ['already_configured', 'already_in_progress'],
        lastStep: true,
        async submit({ host, apiToken }, flow) {
          const result = await check(host, apiToken);
          if (!result.ok) return flow.showErrors({ base: result.error });
          await flow.setUniqueId(result.device.deviceId);
          await flow.abortIfUniqueIdConfigured({ updates: { host } });
          return flow.createEntry({ title: result.device.name, data: { host, apiToken } });
        },
      }),
      reauth_confirm: form({
        schema: z.object({ apiToken: token }),
        errors: ['cannot_connect', 'invalid_auth'],
        aborts: ['reauth_successful', 'wrong_account'],
        async submit({ apiToken }, flow) {
          const entry = flow.getReauthEntry();
          const host = String(entry.data.host);
          const result = await check(host, apiToken);
          if (!result.ok) return flow.showErrors({ base: result.error });
          await flow.setUniqueId(result.device.deviceId);
          flow.abortIfUniqueIdMismatch({ reason: 'wrong_account' });
          return flow.updateReloadAndAbort(entry, { dataUpdates: { apiToken } });
        },
      }),
      reconfigure: form({
        schema: z.object({ host: z.string().min(1).max(253) }),
        errors: ['cannot_connect', 'invalid_auth'],
        aborts: ['reconfigure_successful', 'wrong_account'],
        render: (flow) => ({ suggested: { host: flow.entry?.data.host } }),
        async submit({ host }, flow) {
          const entry = flow.getReconfigureEntry();
          const result = await check(host, String(entry.data.apiToken));
          if (!result.ok) return flow.showErrors({ base: result.error });
          await flow.setUniqueId(result.device.deviceId);
          flow.abortIfUniqueIdMismatch({ reason: 'wrong_account' });
          return flow.updateReloadAndAbort(entry, { dataUpdates: { host } });
        },
      }),
    }),
    options: {
      initial: 'init',
      steps: ({ form }) => ({
        init: form({
          schema: z.object({
            scanInterval: z.number().int().min(10).max(3600).default(60).meta({ unit: 's' }),
            greeting: z.string().max(64).default('Hello'),
          }),
          next: ['create_entry'],
          render: (flow) => ({ suggested: flow.entry?.options }),
          submit: (input, flow) => flow.createEntry({ title: '', data: input }),
        }),
      }),
    },
  });
}
