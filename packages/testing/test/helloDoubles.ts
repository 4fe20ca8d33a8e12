import { CannotConnect, type HelloClient, InvalidAuth } from '@configflow/example-hello';

/**
 * A Hello client double the tests steer, as HA tests set `side_effect` on a mocked client: `fail`
 * makes the next connects throw, `owners` says which device a token belongs to (else the host's).
 */
export function fakeHelloClient() {
  const state = {
    fail: undefined as Error | undefined,
    owners: new Map<string, string>(),
    calls: [] as { host: string; token: string }[],
  };
  const client: HelloClient = {
    async connect(host, token) {
      state.calls.push({ host, token });
      if (state.fail) throw state.fail;
      return { deviceId: state.owners.get(token) ?? `dev-${host}`, name: `Hello ${host}` };
    },
  };
  return {
    client,
    state,
    cannotConnect: () => {
      state.fail = new CannotConnect('the device does not answer');
    },
    invalidAuth: () => {
      state.fail = new InvalidAuth('token rejected');
    },
    crash: () => {
      state.fail = new Error('unexpected');
    },
  };
}
