import { defineConfigFlow } from '@configflow/core';
import type { Strings } from '@configflow/forms';
import { z } from 'zod';

/** What the tour flow's progress step waits on: tests decide whether the sync works. */
export interface Backend {
  syncOk: boolean;
  syncs: number;
}

export const tourStrings = (): Strings => ({
  en: {
    config: {
      step: {
        pick: { title: 'Pick', menu_options: { account: 'With an account', device: 'A device' } },
        account: { title: 'Sign in', data: { code: 'Code' } },
        sync: { title: 'Syncing' },
        device: { title: 'Device', data: { host: 'Host' } },
        name: { title: 'Name it', data: { title: 'Title' } },
      },
      error: { bad_code: 'Bad code', unknown: 'Unexpected error' },
      abort: { cancelled: 'Cancelled', sync_failed: 'Sync failed', unknown: 'Unexpected error' },
      progress: { syncing: 'Syncing your account' },
    },
  },
});

/** Every kind of step in one flow: a menu, an external step, a progress step, forms, two ends. */
export function createTourFlow(backend: Backend, strings: Strings | null = tourStrings()) {
  return defineConfigFlow({
    domain: 'tour',
    ...(strings ? { strings } : {}),
    sources: { user: 'pick' },
    steps: ({ form, menu, progress, external }) => ({
      pick: menu({ options: ['account', 'device'] }),
      account: external({
        url: () => 'https://auth.example/authorize',
        schema: z.object({ code: z.string() }),
        next: ['sync'],
        errors: ['bad_code'],
        aborts: ['cancelled'],
        submit: ({ code }, flow) =>
          code === 'bad'
            ? flow.showErrors({ base: 'bad_code' })
            : code === 'cancel'
              ? flow.abort('cancelled')
              : flow.next('sync'),
      }),
      sync: progress({
        progressAction: 'syncing',
        next: ['name'],
        aborts: ['sync_failed'],
        async run(flow) {
          backend.syncs++;
          await new Promise((resolve) => setTimeout(resolve, 1));
          return backend.syncOk ? flow.next('name') : flow.abort('sync_failed');
        },
      }),
      device: form({
        schema: z.object({ host: z.string().min(1) }),
        next: ['name'],
        submit: (_, flow) => flow.next('name'),
      }),
      name: form({
        schema: z.object({ title: z.string().min(1) }),
        next: ['create_entry'],
        submit: ({ title }, flow) => flow.createEntry({ title, data: {} }),
      }),
    }),
  });
}
