import type { ConfigEntry } from './configEntry.ts';
import type { JsonObject } from './types.ts';

/**
 * What a running step may ask of the world around it: entries and other flows. The FlowManager is the
 * real host; a flow run outside a manager (e.g. by Stately's tools) gets `detachedHost`.
 */
export interface FlowHost {
  getEntry(entryId: string): Promise<ConfigEntry | undefined>;
  findEntryByUniqueId(domain: string, uniqueId: string): Promise<ConfigEntry | undefined>;
  /** Every entry of a domain, ignored ones included. */
  listEntries(domain: string): Promise<ConfigEntry[]>;
  /** Another non-reauth flow of this handler in progress with this unique id? */
  otherFlowHasUniqueId(handler: string, uniqueId: string, exceptFlowId: string): boolean;
  /** Another config flow of this handler in progress (any source, first step still running included)? */
  otherFlowInProgress(handler: string, exceptFlowId: string): boolean;
  /** Aborts the other flows of this handler with that unique id (in the background, each in its turn). */
  abortFlowsWithUniqueId(handler: string, uniqueId: string, exceptFlowId: string, reason: string): void;
  /**
   * Records the flow's unique id at once, so a concurrent flow's check sees it mid-step. On a store
   * several servers share, also there: resolves to whether another flow of this handler on any
   * server (not a reauth flow) claims it; `undefined` when there is no such store.
   */
  claimUniqueId(flowId: string, uniqueId: string): Promise<boolean | undefined>;
  updateEntry(
    entryId: string,
    changes: { data?: JsonObject; options?: JsonObject; title?: string; uniqueId?: string | null },
  ): Promise<{ changed: boolean; entry: ConfigEntry }>;
  reloadEntry(entryId: string): Promise<void>;
  reportProgress(flowId: string, fraction: number): void;
}

const noEntries = (): never => {
  throw new Error('This flow is not running in a FlowManager: config entries are not available');
};

export const detachedHost: FlowHost = {
  getEntry: async () => undefined,
  findEntryByUniqueId: async () => undefined,
  listEntries: async () => [],
  otherFlowHasUniqueId: () => false,
  otherFlowInProgress: () => false,
  abortFlowsWithUniqueId: () => {},
  claimUniqueId: async () => undefined,
  updateEntry: async () => noEntries(),
  reloadEntry: async () => noEntries(),
  reportProgress: () => {},
};
