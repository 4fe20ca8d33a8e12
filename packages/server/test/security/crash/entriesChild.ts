/**
 * A configflow process creating and deleting config entries until it is SIGKILLed. Each operation is
 * acknowledged on stdout (synchronous on a pipe) only after it resolved, as a user would be told.
 *
 *   entriesChild.ts <dataDir> <seed>
 */
import { join } from 'node:path';
// Straight from the files, not the package index: a child that starts in a blink gets more kills.
import { ConfigEntries } from '../../../../core/src/configEntries.ts';
import { JsonFileEntryStore } from '../../../../core/src/entryStore.ts';
import { ack, random } from './childSupport.ts';

const [dataDir] = process.argv.slice(2) as [string];

async function main(): Promise<never> {
  const registry = new ConfigEntries({ store: new JsonFileEntryStore(join(dataDir, 'entries.json')) });
  await registry.load();
  ack('ready');
  for (let n = 0; ; n++) {
    const existing = registry.list();
    if (existing.length > 0 && random() < 0.4) {
      const victim = existing[Math.floor(random() * existing.length)]!;
      // Announced first: a delete the kill interrupts may or may not be on disk, and either is right.
      ack(`d ${victim.entryId}`);
      await registry.remove(victim.entryId);
      ack(`D ${victim.entryId}`);
    } else {
      const entry = await registry.add({
        domain: 'crash',
        title: `entry ${n}`,
        data: { n, pad: 'x'.repeat(Math.floor(random() * 2000)) },
        source: 'user',
      });
      ack(`A ${entry.entryId}`);
    }
  }
}

await main();
