import { type FlowResult, scrub, secretValues } from '@configflow/core';
import type { ServerApp } from './serverApp.ts';

/**
 * A flow result as clients see it: a `create_entry` result names the new entry, whose title and unique
 * id can carry a secret of its data (FordPass's unique id is the VIN); those values are scrubbed, as in
 * the entry list. Every other result is sent as it is.
 */
export function publicResult<T extends FlowResult>(app: ServerApp, result: T): T {
  if (result.type !== 'create_entry' || !result.entry) return result;
  const entry = app.entries.get(result.entry.entryId);
  if (!entry) return result;
  const secrets = secretValues(entry.data, app.runtime.secretKeys(entry.domain));
  return secrets.length === 0 ? result : (JSON.parse(scrub(JSON.stringify(result), secrets)) as T);
}
