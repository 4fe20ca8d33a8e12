import { type ConfigEntry, EntryError } from '@configflow/core';
import { z } from 'zod';
import { BRANDS } from './regions.ts';

/** What a vehicle entry stores. No tokens: those live in the account's token file. */
export const entryDataSchema = z.object({
  vin: z.string().min(1),
  /** The Ford account's subject (`sub`): the key of the token store and of `accountKey`. */
  accountId: z.string().min(1),
  brand: z.enum(BRANDS),
  region: z.string().min(1),
});
export type EntryData = z.output<typeof entryDataSchema>;

export function readEntryData(entry: Pick<ConfigEntry, 'data'>): EntryData {
  const parsed = entryDataSchema.safeParse(entry.data);
  if (!parsed.success) throw new EntryError('The entry is missing its VIN or account', 'invalid_entry');
  return parsed.data;
}

/** VINs are 17 characters without I, O and Q. */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

export function normalizeVin(vin: string): string {
  return vin.replace(/\s+/g, '').toUpperCase();
}
