import { z } from 'zod';
import { defineConfigFlow } from '../src/index.ts';

/** Test flows covering every step kind and result type. */
export function createKitchenFlow(
  opts: { work?: (signal: AbortSignal, progress: (f: number) => void) => Promise<void> } = {},
) {
  return defineConfigFlow({
    domain: 'kitchen',
    version: 1,
    context: () => ({ verifier: '', picked: '' }),
    sources: { user: 'start', discovery: 'confirm', import: 'quick' },
    steps: ({ form, menu, progress, external }) => ({
      start: menu({ options: ['name', 'signin'] }),
      name: form({
        schema: z.object({
          name: z.string().min(2),
          count: z.number().int().min(1).max(10).default(3),
          password: z.string().min(1).meta({ secret: true }),
        }),
        next: ['work'],
        errors: ['taken'],
        aborts: ['nope'],
        submit(input, flow) {
          if (input.name === 'taken') return flow.showErrors({ name: 'taken' });
          if (input.name === 'nope') return flow.abort('nope', { why: 'asked' });
          flow.context.picked = input.name;
          return flow.next('work');
        },
      }),
      work: progress({
        progressAction: 'working',
        next: ['done'],
        aborts: ['failed'],
        async run(flow) {
          await (opts.work ?? (async () => {}))(flow.signal, (f) => flow.progress(f));
          return flow.next('done');
        },
      }),
      done: form({
        schema: z.object({}),
        next: ['create_entry'],
        submit: (_input, flow) =>
          flow.createEntry({ title: flow.context.picked, data: { name: flow.context.picked } }),
      }),
      signin: external({
        url: (flow) => `https://example.invalid/authorize?state=${flow.flowId}&v=${flow.context.verifier}`,
        schema: z.object({ code: z.string().min(4) }),
        next: ['done'],
        errors: ['bad_code'],
        submit(input, flow) {
          if (input.code === 'badd') return flow.showErrors({ code: 'bad_code' });
          flow.context.picked = `signed-in-${input.code}`;
          return flow.next('done');
        },
      }),
      confirm: form({
        schema: z.object({}),
        next: ['create_entry'],
        aborts: ['already_configured', 'already_in_progress'],
        async submit(_input, flow) {
          const id = String((flow.initData as { id?: string } | undefined)?.id);
          await flow.setUniqueId(id);
          await flow.abortIfUniqueIdConfigured();
          return flow.createEntry({ title: `Discovered ${id}`, data: { id } });
        },
      }),
      quick: form({
        schema: z.object({ name: z.string() }),
        next: ['done'],
        submit: (input, flow) => flow.next(input.name as 'done'),
      }),
    }),
  });
}
