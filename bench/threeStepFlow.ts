import { defineConfigFlow } from '../packages/core/src/index.ts';
import { z } from '../packages/forms/src/index.ts';

/** The benchmark's 3-step flow: two forms with validation, then create_entry. */
export function createThreeStepFlow() {
  return defineConfigFlow({
    domain: 'bench',
    context: () => ({ host: '' }),
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({
          host: z.string().min(1).max(253),
          port: z.number().int().min(1).max(65535).default(443),
        }),
        next: ['credentials'],
        submit(input, flow) {
          flow.context.host = input.host;
          return flow.next('credentials');
        },
      }),
      credentials: form({
        schema: z.object({ username: z.string().min(1), password: z.string().min(1).meta({ secret: true }) }),
        next: ['create_entry'],
        submit: (input, flow) =>
          flow.createEntry({ title: flow.context.host, data: { ...input, host: flow.context.host } }),
      }),
    }),
  });
}

export const STEP1 = { host: 'device.local', port: 8443 };
export const STEP2 = { username: 'admin', password: 'hunter2' };
