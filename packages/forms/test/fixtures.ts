import { z } from 'zod';
import type { FieldMeta, FormMeta } from '../src/index.ts';

/** FordPass-style credential step: a long token plus a region select. */
export const tokenSchema = z.object({
  tokenstr: z
    .string()
    .min(20)
    .meta({ secret: true } satisfies FieldMeta),
  region: z.enum(['EU', 'US', 'CA']).meta({
    options: [
      { value: 'EU', label: 'Europe' },
      { value: 'US', label: 'United States' },
      { value: 'CA', label: 'Canada' },
    ],
  } satisfies FieldMeta),
});

/** One of every widget, a section, a condition and a refinement. */
export const richSchema = z
  .object({
    host: z.string().min(1).max(253).describe('Hostname or IP of the bridge'),
    port: z.int().min(1).max(65535).default(443),
    password: z.string().meta({ secret: true, autocomplete: 'current-password' } satisfies FieldMeta),
    email: z.email().optional(),
    homepage: z.url().optional(),
    use_ssl: z.boolean().default(true),
    mode: z.enum(['poll', 'push']),
    sensors: z.array(z.enum(['temp', 'humidity', 'power'])).optional(),
    notes: z
      .string()
      .optional()
      .meta({ widget: 'textarea' } satisfies FieldMeta),
    api_version: z.literal('v2'),
    interval: z
      .number()
      .min(5)
      .max(3600)
      .default(60)
      .meta({ unit: 's', step: 5, section: 'advanced' } satisfies FieldMeta),
    device_id: z
      .string()
      .optional()
      .meta({ readOnly: true, section: 'advanced', suggested: 'abc-123' } satisfies FieldMeta),
    push_url: z
      .url()
      .optional()
      .meta({ visibleWhen: { field: 'mode', equals: 'push' } } satisfies FieldMeta),
    internal: z
      .string()
      .optional()
      .meta({ widget: 'hidden' } satisfies FieldMeta),
  })
  .meta({ title: 'Connect to the bridge', sections: { advanced: { collapsed: true } } } satisfies FormMeta);
