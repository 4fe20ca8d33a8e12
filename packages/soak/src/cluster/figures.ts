import { leaseTiming } from './bridge.ts';
import type { Observer } from './observer.ts';
import type { WireRecord } from './wire.ts';

/** Mid refresh (held before Ford, or answered and swallowed), mid reauth, mid flow (between two steps, or in the sign-in step's request). */
export type KillKind = 'refresh_held' | 'refresh_answered' | 'reauth' | 'flow' | 'flow_request';

/** One SIGKILL, and what the killed process held at that moment (from the database). */
export interface Kill {
  kind: KillKind;
  instance: string;
  at: number;
  /** Entries whose lease the process held, unexpired, just before the kill. */
  held: string[];
  /** Mid refresh: the account whose refresh was trapped, and who held its advisory lock at the kill. */
  account?: string;
  lockHolder?: string | undefined;
  /** Accounts that needed a sign-in after this kill (revoked, or their rotation lost): their entries wait for the user. */
  needsSignIn: string[];
}

/** A flow a killed instance had open, and how it ended on a survivor. */
export interface OpenFlow {
  flowId: string;
  kind: 'reauth' | 'flow';
  startedOn: string;
  endedOn: string | undefined;
  end: string | undefined;
}

export interface ClusterInputs {
  wire: WireRecord[];
  observer: Observer;
  kills: Kill[];
  revocations: { account: string; at: number }[];
  acknowledged: Set<string>;
  /** Entry ids each live instance lists at the end (GET /api/entries). */
  listed: Map<string, Set<string>>;
  /** Entry ids in the database at the end. */
  stored: Set<string>;
  flows: OpenFlow[];
  leaseMs: number;
}

export interface Finding {
  at: number;
  account: string;
  detail: string;
}

export interface Resumption {
  entryId: string;
  kill: KillKind;
  /** Kill → the next status read of the vehicle at Ford by another instance; undefined: never. */
  ms: number | undefined;
  /** Renewal rounds of the new owner that ran after the lease lapsed without taking it over. */
  missedRounds: number | undefined;
  /** Its account needed the user's sign-in first (revoked or rotation lost): not a polling figure. */
  waitedForSignIn: boolean;
}

export interface ClusterFigures {
  asserted: Record<string, number>;
  findings: Record<string, Finding[]>;
  info: Record<string, number | string>;
  resumptions: Resumption[];
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/**
 * The figures, from the wire (what Ford saw), the database samples and the HTTP API only. A token
 * counts as committed once the database held it or an instance presented it (instances read the
 * refresh token from the database, under the account lock, before they present it).
 */
export function computeFigures(input: ClusterInputs): ClusterFigures {
  const { wire, observer, kills } = input;
  const f = {
    duplicateRefreshes: [] as Finding[],
    lostTokens: [] as Finding[],
    duplicateReauths: [] as Finding[],
    lostEntries: [] as Finding[],
    flowsNotContinued: [] as Finding[],
    notResumed: [] as Finding[],
    lateTakeovers: [] as Finding[],
    lostRotationsNotRecovered: [] as Finding[],
  };
  const committed = new Set<string>();
  for (const history of observer.tokenHistory.values()) for (const h of history) committed.add(h.refresh);
  for (const r of wire) if (r.forwarded && r.presented) committed.add(r.presented);
  // Killed before it could commit what Ford answered: a commit takes milliseconds; 2 s is generous.
  const killOf = (instance: string, after: number) =>
    kills.find((k) => k.instance === instance && k.at >= after && k.at - after < 2_000);

  // Rotations and sign-ins Ford completed, and whether their pair reached the database.
  const issuedSeq = new Map<string, number>();
  const lostInFlight: WireRecord[] = [];
  let swallowed = 0;
  let answeredThenKilled = 0;
  for (const r of wire) {
    if (!r.issued) continue;
    issuedSeq.set(r.issued, r.seq);
    if (committed.has(r.issued)) continue;
    if (!r.delivered) {
      swallowed++;
      lostInFlight.push(r);
    } else if (killOf(r.instance, r.at)) {
      answeredThenKilled++;
      lostInFlight.push(r);
    } else {
      f.lostTokens.push({
        at: r.at,
        account: r.subject ?? '?',
        detail: `${r.route} answered to live ${r.instance}, its pair never reached the database`,
      });
    }
  }
  const lostSet = new Set(lostInFlight.map((r) => r.issued));

  // The same refresh token presented to Ford more than once.
  const byToken = new Map<string, WireRecord[]>();
  for (const r of wire)
    if (r.route === 'refresh' && r.forwarded && r.presented)
      byToken.set(r.presented, [...(byToken.get(r.presented) ?? []), r]);
  let deadAgain = 0;
  let afterLostRotation = 0;
  for (const [, uses] of byToken) {
    const first = uses[0]!;
    for (const again of uses.slice(1)) {
      if (first.status === 200 && first.issued && !lostSet.has(first.issued)) {
        f.duplicateRefreshes.push({
          at: again.at,
          account: again.subject ?? '?',
          detail: `refresh token rotated by ${first.instance} (seq ${first.seq}) presented again by ${again.instance} (seq ${again.seq})`,
        });
      } else if (first.status === 200) afterLostRotation++;
      else deadAgain++;
    }
  }

  // A committed pair replaced by an older one.
  for (const [account, history] of observer.tokenHistory) {
    for (let i = 1; i < history.length; i++) {
      const before = issuedSeq.get(history[i - 1]!.refresh) ?? 0;
      const after = issuedSeq.get(history[i]!.refresh) ?? 0;
      if (after < before)
        f.lostTokens.push({
          at: history[i]!.at,
          account,
          detail: 'the token row went back to an older pair',
        });
    }
  }

  // Every reauth flow must have a reason the soak made: a revocation, or a rotation lost in flight.
  const signIns = wire.filter((r) => r.route === 'cat' && r.status === 200 && r.subject);
  const lastSignIn = (account: string, before: number) =>
    Math.max(0, ...signIns.filter((s) => s.subject === account && s.at <= before).map((s) => s.at));
  for (const [flowId, seen] of observer.reauthSeen) {
    const since = lastSignIn(seen.account, seen.at);
    const revoked = input.revocations.some(
      (v) => v.account === seen.account && v.at >= since && v.at <= seen.at,
    );
    const lost = lostInFlight.some((r) => r.subject === seen.account && r.at >= since && r.at <= seen.at);
    if (!revoked && !lost)
      f.lostTokens.push({
        at: seen.at,
        account: seen.account,
        detail: `reauth flow ${flowId} opened, but the soak neither revoked the account nor lost a rotation`,
      });
  }

  // A lost rotation is recovered by one reauth flow and the user's sign-in, not a loop.
  const reauthsPerLoss: number[] = [];
  for (const r of lostInFlight) {
    const account = r.subject ?? '?';
    const next = signIns.find((s) => s.subject === account && s.at > r.at);
    const until = next?.at ?? Number.POSITIVE_INFINITY;
    const flows = [...observer.reauthSeen.values()].filter(
      (s) => s.account === account && s.at >= r.at && s.at <= until + 1_000,
    ).length;
    reauthsPerLoss.push(flows);
    if (!next || flows !== 1)
      f.lostRotationsNotRecovered.push({
        at: r.at,
        account,
        detail: `${flows} reauth flow(s) until ${next ? 'the next sign-in' : 'the end (no sign-in)'}`,
      });
  }

  // One revocation, one reauth flow until the user signs in again (the instances polling its entries
  // must all join the one flow, however many of them find the token dead).
  for (const v of input.revocations) {
    const next = signIns.find((s) => s.subject === v.account && s.at > v.at);
    const until = next?.at ?? Number.POSITIVE_INFINITY;
    const opened = [...observer.reauthSeen].filter(
      ([, seen]) => seen.account === v.account && seen.at >= v.at && seen.at <= until + 1_000,
    );
    if (opened.length > 1)
      f.duplicateReauths.push({
        at: v.at,
        account: v.account,
        detail: `${opened.length} reauth flows after one revocation: ${opened.map(([id]) => id).join(', ')}`,
      });
  }
  for (const o of observer.overlaps)
    f.duplicateReauths.push({
      at: o.at,
      account: o.account,
      detail: `${o.flowIds.length} reauth flows open at once`,
    });

  for (const id of input.acknowledged) {
    if (!input.stored.has(id))
      f.lostEntries.push({
        at: 0,
        account: observer.entryAccount.get(id) ?? '?',
        detail: `${id} gone from the database`,
      });
    for (const [instance, ids] of input.listed)
      if (!ids.has(id))
        f.lostEntries.push({
          at: 0,
          account: observer.entryAccount.get(id) ?? '?',
          detail: `${id} not listed by ${instance}`,
        });
  }

  for (const flow of input.flows) {
    const ok = flow.end === 'create_entry' || flow.end === 'reauth_successful';
    if (!ok || !flow.endedOn || flow.endedOn === flow.startedOn)
      f.flowsNotContinued.push({
        at: 0,
        account: '',
        detail: `${flow.kind} flow ${flow.flowId} from ${flow.startedOn}: ${flow.end ?? 'not ended'} on ${flow.endedOn ?? 'none'}`,
      });
  }

  // Polling after each kill: the next status read at Ford, and the takeover in renewal rounds.
  const resumptions: Resumption[] = [];
  for (const kill of kills) {
    for (const entryId of kill.held) {
      const vin = observer.entryVin.get(entryId);
      const account = observer.entryAccount.get(entryId) ?? '?';
      const read = wire.find(
        (r) =>
          r.route === 'status' &&
          r.vin === vin &&
          r.at > kill.at &&
          r.instance !== kill.instance &&
          r.status === 200,
      );
      const key = `entry:${entryId}`;
      const changes = observer.leaseChanges.filter((c) => c.key === key);
      // By the database's own times (a lease's expiry minus its lifetime: when it was written).
      const { ttlMs } = leaseTiming(input.leaseMs);
      const written = (c: { expiresAt: number }) => c.expiresAt - ttlMs;
      // The killed process's last renewal (its name is its own: it wrote nothing after it died).
      const lastOld = [...changes].reverse().find((c) => c.owner === kill.instance);
      const takeover = changes.find((c) => c.owner !== kill.instance && written(c) > kill.at);
      let missed: number | undefined;
      if (lastOld && takeover) {
        const lapse = lastOld.expiresAt;
        const claim = takeover.expiresAt - ttlMs;
        // Each round takes what has lapsed after renewing its own: a round of the new owner that began
        // after the lapse and before the round that took it (the last to begin before the claim) missed it.
        const starts = observer.roundStarts(takeover.owner);
        const claimRound = Math.max(Number.NEGATIVE_INFINITY, ...starts.filter((t) => t <= claim));
        missed = starts.filter((t) => t > lapse && t < claimRound).length;
        if (missed > 0)
          f.lateTakeovers.push({
            at: takeover.at,
            account,
            detail: `${entryId} taken by ${takeover.owner} ${missed} renewal round(s) after its lease lapsed`,
          });
      }
      const waited = kill.needsSignIn.includes(account);
      resumptions.push({
        entryId,
        kill: kill.kind,
        ms: read ? read.at - kill.at : undefined,
        missedRounds: missed,
        waitedForSignIn: waited,
      });
      if (!read)
        f.notResumed.push({
          at: kill.at,
          account,
          detail: `${entryId} of ${kill.instance}: no status read after the kill`,
        });
    }
  }

  const plain = resumptions.filter((r) => !r.waitedForSignIn && r.ms !== undefined).map((r) => r.ms!);
  const refreshes = wire.filter((r) => r.route === 'refresh' && r.forwarded);
  const info: Record<string, number | string> = {
    kills: kills.length,
    kills_mid_refresh_held: kills.filter((k) => k.kind === 'refresh_held').length,
    kills_mid_refresh_answered: kills.filter((k) => k.kind === 'refresh_answered').length,
    kills_mid_reauth: kills.filter((k) => k.kind === 'reauth').length,
    kills_mid_flow: kills.filter((k) => k.kind === 'flow').length,
    kills_mid_flow_request: kills.filter((k) => k.kind === 'flow_request').length,
    kills_holding_the_account_lock: kills.filter(
      (k) => k.lockHolder !== undefined && k.lockHolder === k.instance,
    ).length,
    refreshes_at_ford: refreshes.length,
    rotations_at_ford: refreshes.filter((r) => r.status === 200).length,
    sign_ins_at_ford: signIns.length,
    requests_at_ford: wire.filter((r) => r.forwarded).length,
    rotations_lost_in_flight: lostInFlight.length,
    'rotations_lost_in_flight (answer swallowed)': swallowed,
    'rotations_lost_in_flight (answered, killed before commit)': answeredThenKilled,
    reauth_flows_per_lost_rotation: reauthsPerLoss.join(', ') || '-',
    dead_refresh_token_presented_again: deadAgain,
    lost_rotation_token_presented_again: afterLostRotation,
    revocations: input.revocations.length,
    reauth_flows: observer.reauthSeen.size,
    flows_open_on_killed_instances: input.flows.length,
    entries_acknowledged: input.acknowledged.size,
    entries_resumed_after_kills: resumptions.filter((r) => r.ms !== undefined).length,
    entries_held_by_killed_instances: resumptions.length,
    lease_ms: input.leaseMs,
    'resume_ms (kill -> next status read) median': Math.round(percentile(plain, 50)),
    'resume_ms max': plain.length > 0 ? Math.round(Math.max(...plain)) : '-',
    'resume in lease periods, max': plain.length > 0 ? (Math.max(...plain) / input.leaseMs).toFixed(2) : '-',
    'resumed within one lease period': `${plain.filter((ms) => ms <= input.leaseMs).length}/${plain.length}`,
    'takeover: renewal rounds missed after the lapse, max': Math.max(
      0,
      ...resumptions.map((r) => r.missedRounds ?? 0),
    ),
    db_samples: observer.samples,
  };
  return {
    asserted: {
      duplicate_refreshes: f.duplicateRefreshes.length,
      lost_tokens: f.lostTokens.length,
      duplicate_reauth_flows: f.duplicateReauths.length,
      lost_entries: f.lostEntries.length,
      flows_not_continued_on_a_survivor: f.flowsNotContinued.length,
      entries_not_resumed_after_a_kill: f.notResumed.length,
      takeovers_after_a_missed_renewal_round: f.lateTakeovers.length,
      lost_rotations_not_recovered_by_one_reauth: f.lostRotationsNotRecovered.length,
    },
    findings: {
      duplicate_refreshes: f.duplicateRefreshes,
      lost_tokens: f.lostTokens,
      duplicate_reauth_flows: f.duplicateReauths,
      lost_entries: f.lostEntries,
      flows_not_continued_on_a_survivor: f.flowsNotContinued,
      entries_not_resumed_after_a_kill: f.notResumed,
      takeovers_after_a_missed_renewal_round: f.lateTakeovers,
      lost_rotations_not_recovered_by_one_reauth: f.lostRotationsNotRecovered,
    },
    info,
    resumptions,
  };
}
