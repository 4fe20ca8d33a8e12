import type { ConfigEntries, ConfigEntry, EntryState, JsonObject, Source } from '@configflow/core';

/** A config entry to put in the registry directly, as Home Assistant's `MockConfigEntry` does. */
export interface MockEntryInit {
  domain: string;
  /** Defaults to the domain. */
  title?: string;
  data?: JsonObject;
  options?: JsonObject;
  uniqueId?: string | null;
  /** Defaults to `user`. */
  source?: Source;
  version?: number;
  minorVersion?: number;
  /** Defaults to `not_loaded`: a mock entry is added, not set up (set it up through the runtime). */
  state?: EntryState;
  reason?: string | null;
}

/**
 * Adds an entry to a registry without running a flow: the state a test starts from ("a device is
 * already configured"). No reload is triggered, as `MockConfigEntry.add_to_hass` does not set up.
 */
export async function addMockEntry(entries: ConfigEntries, init: MockEntryInit): Promise<ConfigEntry> {
  const entry = await entries.add({
    domain: init.domain,
    title: init.title ?? init.domain,
    uniqueId: init.uniqueId ?? null,
    data: init.data ?? {},
    options: init.options ?? {},
    source: init.source ?? 'user',
    version: init.version ?? 1,
    minorVersion: init.minorVersion ?? 1,
  });
  if (init.state !== undefined && init.state !== entry.state) {
    return entries.setState(entry.entryId, init.state, init.reason ?? null);
  }
  return entry;
}
