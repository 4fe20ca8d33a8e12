import { defineConfigFlow } from '../packages/core/src/index.ts';
import { z } from '../packages/forms/src/index.ts';

/**
 * Issue 17's flow, the one Home Assistant was measured on: form `user` {host, name} → form `confirm`
 * {confirm} → create_entry. bench/homeassistant/driver.py declares the same flow for Home Assistant.
 */
export function createIssueFlow() {
  return defineConfigFlow({
    domain: 'bench_ha',
    context: () => ({ host: '', name: '' }),
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ host: z.string(), name: z.string() }),
        next: ['confirm'],
        submit(input, flow) {
          flow.context.host = input.host;
          flow.context.name = input.name;
          return flow.next('confirm');
        },
      }),
      confirm: form({
        schema: z.object({ confirm: z.boolean() }),
        next: ['create_entry'],
        submit: (_input, flow) =>
          flow.createEntry({ title: flow.context.name, data: { host: flow.context.host } }),
      }),
    }),
  });
}

export const USER_INPUT = { host: '192.0.2.1', name: 'bench' };
export const CONFIRM_INPUT = { confirm: true };
