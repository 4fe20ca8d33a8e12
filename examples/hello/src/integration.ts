import { AuthFailed, EntryNotReady, type Integration } from '@configflow/core';
import { CannotConnect, demoClient, type HelloClient, InvalidAuth } from './client.ts';
import { createHelloFlow } from './flow.ts';

/**
 * The hello integration as the entry runtime runs it: the flow, how an entry connects and polls, and
 * the client's failures mapped to the runtime's error kinds (a rejected token asks the user to sign in
 * again; a device that does not answer is retried with backoff).
 */
export function createHelloIntegration(client: HelloClient = demoClient): Integration {
  const connect = async (host: unknown, token: unknown) => {
    try {
      return await client.connect(String(host), String(token));
    } catch (error) {
      if (error instanceof InvalidAuth) throw new AuthFailed(error.message);
      if (error instanceof CannotConnect) throw new EntryNotReady(error.message);
      throw error;
    }
  };
  return {
    flow: createHelloFlow({ client }),
    setup: (entry) => connect(entry.data.host, entry.data.apiToken),
    async poll(entry) {
      const device = await connect(entry.data.host, entry.data.apiToken);
      return { online: true, name: device.name };
    },
    pollInterval: (entry) => Number(entry.options.scanInterval ?? 60) * 1000,
  };
}

/** What `configflow.config.ts` lists: this module's default export is the integration. */
export default createHelloIntegration();
