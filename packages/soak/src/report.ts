import type { SoakResult } from './soak.ts';

const LABELS: Record<string, string> = {
  false_reauth_prompts: 'false reauth prompts',
  missed_reauths: 'missed reauths',
  duplicate_reauth_flows: 'duplicate reauth flows per account',
  refresh_tokens_lost_across_crashes: 'refresh tokens lost across crashes',
  requests_over_budget: 'requests over an account budget',
  entries_stuck_after_faults: 'entries stuck after faults clear',
};

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

/** The "Asserted (must be 0)" table (each metric ok or FAIL), and how many failed. */
export function assertedTable(
  asserted: Record<string, number>,
  labels: Record<string, string>,
): { lines: string[]; failed: number } {
  let failed = 0;
  const rows = [['  metric', 'value', '']];
  for (const [key, value] of Object.entries(asserted)) {
    if (value !== 0) failed++;
    rows.push([`  ${labels[key] ?? key}`, String(value), value === 0 ? 'ok' : 'FAIL']);
  }
  return { lines: table(rows), failed };
}

/** The soak's report as plain text: what ran, what was injected, each metric, and the budget per day. */
export function formatReport(result: SoakResult): string {
  const s = result.scenario;
  const out: string[] = [];
  out.push(`configflow chaos soak (${s.name}), seed ${s.seed}`);
  out.push(
    `  ${s.entries} vehicle entries on ${s.accounts} accounts, ${s.days} simulated days + quiet period; ` +
      `budget ${s.budgetPerDay}/account/day; poll policy ${s.pollPolicy}; enrolment ${s.enrollment}; ` +
      `quantum ${s.quantumMs / 1000} s`,
  );
  out.push(`  wall time ${(result.wallMs / 1000).toFixed(1)} s, simulated end ${result.info.simulated_end}`);
  out.push('');
  out.push('Injected');
  const injectedRows = [['  kind', 'count', 'requests hit']];
  for (const [kind, n] of Object.entries(result.injected)) {
    const hits = result.faultHits[kind as keyof typeof result.faultHits];
    injectedRows.push([`  ${kind}`, String(n), hits === undefined ? '' : String(hits)]);
  }
  out.push(...table(injectedRows));
  out.push(
    `  crashes that happened: ${result.crashes.idle} idle, ${result.crashes.request} with a refresh request unsent, ` +
      `${result.crashes.response} with a refresh answer lost (restarts: ${result.crashes.total})`,
  );
  out.push('');
  out.push('Asserted (must be 0)');
  const { lines, failed } = assertedTable(result.asserted, LABELS);
  out.push(...lines);
  for (const [key, findings] of Object.entries(result.findings)) {
    for (const f of findings.slice(0, 5)) out.push(`    ${key}: ${f.at} ${f.account}: ${f.detail}`);
    if (findings.length > 5) out.push(`    ${key}: … ${findings.length - 5} more`);
  }
  out.push('');
  out.push('Informational');
  out.push(...table(Object.entries(result.info).map(([k, v]) => [`  ${k}`, String(v)])));
  out.push('');
  out.push(`Requests per account per day (Ford's count; budget ${s.budgetPerDay})`);
  out.push(
    ...table([
      ['  day', 'min', 'median', 'max', '>=90%'],
      ...result.budgetTable.map((d) => [
        `  ${d.day}`,
        String(d.min),
        String(d.median),
        String(d.max),
        String(d.nearBudget),
      ]),
    ]),
  );
  if (result.errors.length > 0) {
    out.push('');
    out.push(`Soak errors (${result.errors.length}; a bug in the soak or an unexpected flow result):`);
    for (const e of result.errors.slice(0, 5)) out.push(`  ${e.split('\n').slice(0, 3).join(' | ')}`);
  }
  out.push('');
  out.push(
    failed === 0 && result.errors.length === 0
      ? 'RESULT: pass'
      : `RESULT: FAIL (${failed} metric(s) non-zero)`,
  );
  return out.join('\n');
}

/** Exit code: 1 if any asserted metric is non-zero (or the soak itself failed). */
export function passed(result: SoakResult): boolean {
  return Object.values(result.asserted).every((v) => v === 0) && result.errors.length === 0;
}
