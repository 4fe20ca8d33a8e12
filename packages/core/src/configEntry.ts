import type { JsonObject, Source } from './types.ts';

/** Home Assistant's entry states; `recoverable` ones can be reloaded without a restart. */
export type EntryState =
  | 'not_loaded'
  | 'setup_in_progress'
  | 'loaded'
  | 'setup_retry'
  | 'setup_error'
  | 'migration_error'
  | 'unload_in_progress'
  | 'failed_unload';

/** A configured integration instance: connection settings in `data`, everything else in `options`. */
export interface ConfigEntry {
  entryId: string;
  domain: string;
  title: string;
  uniqueId: string | null;
  /** Connection settings, secrets included: never listed, logged or exported unredacted. */
  data: JsonObject;
  options: JsonObject;
  version: number;
  minorVersion: number;
  source: Source;
  state: EntryState;
  /** Why the entry is not loaded (a translation key or a short sentence). */
  reason: string | null;
  createdAt: string;
  modifiedAt: string;
}
