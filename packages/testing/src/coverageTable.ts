import type { CoverageReport } from './pathCoverage.ts';

const percent = (reached: number, declared: number) =>
  declared === 0 ? '-' : `${Math.floor((reached / declared) * 100)}%`;

/**
 * The coverage of one or more flows as a Markdown table: one row per step (its declared edges; the
 * engine's optional ones are not counted), the totals, then notes on waived, optional and missed edges.
 */
export function formatCoverageTable(reports: CoverageReport | CoverageReport[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const rows: string[][] = [['step', 'edges declared', 'reached', '%']];
  let declared = 0;
  let reached = 0;
  const notes: string[] = [];
  for (const report of list) {
    for (const step of report.steps) {
      // Waived edges stay in the count: the table says what the flow declares, not what was excused.
      const required = step.edges.filter((e) => !e.optional);
      const hit = required.filter((e) => e.reached).length;
      declared += required.length;
      reached += hit;
      const mark = step.reached ? '' : ' (never shown)';
      rows.push([
        `${report.flow} / ${step.stepId}${mark}`,
        String(required.length),
        String(hit),
        percent(hit, required.length),
      ]);
      for (const e of step.edges) {
        if (e.waived !== undefined)
          notes.push(`waived: ${report.flow} / ${e.stepId} --${e.name}--> (${e.waived})`);
        else if (e.optional && e.reached)
          notes.push(`optional, reached: ${report.flow} / ${e.stepId} --${e.name}-->`);
        else if (!e.optional && !e.reached)
          notes.push(`not reached: ${report.flow} / ${e.stepId} --${e.name}-->`);
      }
      const missed = step.errorKeys.declared.filter((k) => !step.errorKeys.shown.includes(k));
      if (missed.length > 0)
        notes.push(`error keys never shown: ${report.flow} / ${step.stepId}: ${missed.join(', ')}`);
    }
  }
  rows.push(['total', String(declared), String(reached), percent(reached, declared)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  const body = [line(rows[0]!), rule, ...rows.slice(1, -1).map(line), rule, line(rows.at(-1)!)];

  const steps = list.flatMap((r) => r.steps);
  const ends = list.flatMap((r) =>
    r.ends
      .filter((e) => !e.optional)
      .map((e) => ({ ...e, end: list.length > 1 ? `${r.flow}: ${e.end}` : e.end })),
  );
  const summary =
    `steps ${steps.filter((s) => s.reached).length}/${steps.length}, ` +
    `ends ${ends.filter((e) => e.reached).length}/${ends.length} ` +
    `(${ends.map((e) => `${e.end}${e.reached ? '' : ' ✗'}`).join(', ')}), ` +
    `${list.reduce((n, r) => n + r.replays, 0)} paths replayed`;
  return [...body, summary, ...notes].join('\n');
}
