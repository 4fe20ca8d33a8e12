import type { ConfigEntries, EntryRuntime, FlowManager } from '@configflow/core';

/** What the server drives: the CLI's `createApp` result satisfies it, and so does a test's own assembly. */
export interface ServerApp {
  manager: FlowManager;
  entries: ConfigEntries;
  runtime: EntryRuntime;
}
