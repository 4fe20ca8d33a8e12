/** The device's API as the flow sees it: injectable, so tests (and the demo) can make it fail. */
export interface HelloClient {
  /** Checks host and token; resolves with the device's identity. */
  connect(host: string, token: string): Promise<{ deviceId: string; name: string }>;
}

export class CannotConnect extends Error {
  override name = 'CannotConnect';
}
export class InvalidAuth extends Error {
  override name = 'InvalidAuth';
}

/**
 * A demo device: any host that is not "offline" answers, and the token must start with "hello-".
 * The device id is derived from the host, so the same host is the same device.
 */
export const demoClient: HelloClient = {
  async connect(host, token) {
    if (host === 'offline' || host.endsWith('.invalid')) throw new CannotConnect(`${host} does not answer`);
    if (!token.startsWith('hello-')) throw new InvalidAuth('token rejected');
    return { deviceId: `hello-${host.toLowerCase()}`, name: `Hello at ${host}` };
  },
};
