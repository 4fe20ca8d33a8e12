export { openPgCluster, type PgCluster, type PgClusterOptions } from './cluster.ts';
export { findPostgresBin, type LocalCluster, startLocalCluster } from './localCluster.ts';
export { MIGRATIONS, migrate } from './migrations.ts';
export { CHANNEL, type Notice } from './notice.ts';
export { PgEntryStore } from './pgEntryStore.ts';
export { PgEvents } from './pgEvents.ts';
export { PgFlowStore } from './pgFlowStore.ts';
export { type Lease, PgLeases } from './pgLeases.ts';
export { PgLock } from './pgLock.ts';
