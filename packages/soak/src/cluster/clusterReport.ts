import { assertedTable, table } from '../report.ts';
import type { ClusterResult } from './clusterSoak.ts';

const LABELS: Record<string, string> = {
  duplicate_refreshes: 'duplicate refreshes of one refresh token',
  lost_tokens: 'lost tokens (committed pair lost, or a sign-in the soak did not cause)',
  duplicate_reauth_flows: 'duplicate reauth flows (one account, at once, across instances)',
  lost_entries: 'lost entries (acknowledged, then gone)',
  flows_not_continued_on_a_survivor: 'flows of a killed instance not finished on a survivor',
  entries_not_resumed_after_a_kill: "killed instance's entries never polled again",
  takeovers_after_a_missed_renewal_round: 'takeovers later than the first renewal round after the lapse',
  lost_rotations_not_recovered_by_one_reauth: 'rotations lost in flight not recovered by one reauth flow',
};

/** The cluster soak's report, in the form of the single-process soak's. */
export function formatClusterReport(result: ClusterResult): string {
  const s = result.scenario;
  const out: string[] = [];
  out.push(`configflow chaos soak (${s.name}), seed ${s.seed}`);
  out.push(
    `  ${s.instances} configflow serve processes on one PostgreSQL; ${s.accounts} Ford accounts, ` +
      `${s.vehiclesPerAccount} vehicles each to start (+${s.spareVehicles} spare); ${s.kills} SIGKILLs; ` +
      `lease ${s.leaseMs} ms; CAT lifetime ${s.catTtlSeconds} s; a poll asked every ${s.pollEveryMs} ms`,
  );
  out.push(`  wall time ${(result.wallMs / 1000).toFixed(1)} s`);
  out.push('');
  out.push('Asserted (must be 0)');
  const { lines, failed } = assertedTable(result.asserted, LABELS);
  out.push(...lines);
  for (const [key, findings] of Object.entries(result.findings)) {
    for (const f of findings.slice(0, 5)) out.push(`    ${key}: ${f.account}: ${f.detail}`);
    if (findings.length > 5) out.push(`    ${key}: … ${findings.length - 5} more`);
  }
  out.push('');
  out.push('Measured (the known gap and the timing, reported, not asserted in ms)');
  out.push(...table(Object.entries(result.info).map(([k, v]) => [`  ${k.replaceAll('_', ' ')}`, String(v)])));
  out.push('');
  out.push("Requests per account at Ford today (the simulator's count)");
  out.push(
    ...table([
      ['  account', 'used', 'limit'],
      ...result.budget.map((b) => [`  ${b.username}`, String(b.used), String(b.limit ?? '-')]),
    ]),
  );
  if (result.errors.length > 0) {
    out.push('');
    out.push(
      `Soak errors (${result.errors.length}; a bug in the soak or a flow that did not go as a user's would):`,
    );
    for (const e of result.errors.slice(0, 5)) out.push(`  ${e.split('\n').slice(0, 3).join(' | ')}`);
  }
  out.push('');
  out.push(
    failed === 0 && result.errors.length === 0
      ? 'RESULT: pass'
      : `RESULT: FAIL (${failed} metric(s) non-zero, ${result.errors.length} soak error(s))`,
  );
  return out.join('\n');
}

export function clusterPassed(result: ClusterResult): boolean {
  return Object.values(result.asserted).every((v) => v === 0) && result.errors.length === 0;
}
