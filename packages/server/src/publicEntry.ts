import {
  type ConfigEntry,
  type EntryState,
  type JsonObject,
  redact,
  scrub,
  secretValues,
} from '@configflow/core';

/** An entry as clients see it: never its `data` (connection settings and secrets live there). */
export interface PublicEntry {
  entryId: string;
  domain: string;
  title: string;
  uniqueId: string | null;
  state: EntryState;
  reason: string | null;
  options: JsonObject;
}

/**
 * The public view of an entry. Options under secret keys are redacted, and any secret value of the
 * entry's data that was copied into a title, unique id or reason is scrubbed out.
 */
export function publicEntry(entry: ConfigEntry, secretKeys: ReadonlySet<string>): PublicEntry {
  const view: PublicEntry = {
    entryId: entry.entryId,
    domain: entry.domain,
    title: entry.title,
    uniqueId: entry.uniqueId,
    state: entry.state,
    reason: entry.reason,
    options: redact(entry.options, secretKeys),
  };
  const secrets = secretValues(entry.data, secretKeys);
  return secrets.length === 0 ? view : (JSON.parse(scrub(JSON.stringify(view), secrets)) as PublicEntry);
}
