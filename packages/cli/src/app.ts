import { join } from 'node:path';
import {
  ConfigEntries,
  EntryRuntime,
  FlowManager,
  type Integration,
  JsonFileEntryStore,
  JsonFileFlowStore,
} from '@configflow/core';
import { createHelloFlow, demoClient } from '@configflow/example-hello';

export interface AppOptions {
  /** Where entries, in-progress flows and token stores live (default `.configflow`). */
  dataDir: string;
  log?: (line: string) => void;
}

/** One configflow process: the registry, the flow manager and the entry runtime over one data dir. */
export interface App {
  manager: FlowManager;
  entries: ConfigEntries;
  runtime: EntryRuntime;
  integrations: Integration[];
  close(): Promise<void>;
}

/** The hello example as an integration: a demo device that is always reachable. */
function helloIntegration(): Integration {
  return {
    flow: createHelloFlow({ client: demoClient }),
    async setup(entry) {
      return demoClient.connect(String(entry.data.host), String(entry.data.apiToken));
    },
    async poll(entry) {
      const device = await demoClient.connect(String(entry.data.host), String(entry.data.apiToken));
      return { online: true, name: device.name };
    },
    pollInterval: (entry) => Number(entry.options.scanInterval ?? 60) * 1000,
  };
}

export async function createApp(opts: AppOptions): Promise<App> {
  const integrations: Integration[] = [helloIntegration()];
  const entries = new ConfigEntries({ store: new JsonFileEntryStore(join(opts.dataDir, 'entries.json')) });
  await entries.load();
  const manager = new FlowManager({
    flows: integrations.map((i) => i.flow),
    entries,
    store: new JsonFileFlowStore(join(opts.dataDir, 'flows.json')),
  });
  const runtime = new EntryRuntime({ manager, integrations, ...(opts.log ? { log: opts.log } : {}) });
  await manager.start();
  await runtime.start();
  return {
    manager,
    entries,
    runtime,
    integrations,
    async close() {
      await runtime.stop();
      await manager.stop();
      await entries.flush();
    },
  };
}
