import { startFordSimulator } from '@configflow/ford-simulator';
import { Random } from '../random.ts';
import { call, sleep, until } from './api.ts';
import { type LocalCluster, openPool, startLocalCluster } from './bridge.ts';
import { ClusterUser, type Intent, type Where } from './clusterUser.ts';
import { type ClusterFigures, computeFigures, type Kill, type KillKind, type OpenFlow } from './figures.ts';
import { Instances, type Slot } from './instances.ts';
import { Observer, recordTokenWrites } from './observer.ts';
import type { ClusterPerson } from './person.ts';
import type { ClusterScenario } from './scenario.ts';
import { Wire } from './wire.ts';

export interface ClusterResult extends ClusterFigures {
  scenario: ClusterScenario;
  wallMs: number;
  errors: string[];
  budget: { username: string; used: number; limit: number | null }[];
}

/** The kinds, in a seeded order per cycle of five: every kind once in each cycle. */
function killPlan(kills: number, rng: Random): KillKind[] {
  const plan: KillKind[] = [];
  while (plan.length < kills) {
    const cycle: KillKind[] = ['refresh_held', 'reauth', 'flow', 'refresh_answered', 'flow_request'];
    for (let i = cycle.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [cycle[i], cycle[j]] = [cycle[j]!, cycle[i]!];
    }
    plan.push(...cycle);
  }
  return plan.slice(0, kills);
}

/**
 * `pnpm soak --cluster`: real `configflow serve` processes on one PostgreSQL, FordPass entries of
 * shared accounts against the simulator, and SIGKILLs mid refresh, mid reauth and mid flow. The user
 * finishes every flow on a survivor; the figures come from the wire, the database and the API.
 */
export async function runClusterSoak(
  s: ClusterScenario,
  log: (line: string) => void = () => {},
): Promise<ClusterResult> {
  const started = Date.now();
  const rng = new Random(s.seed);
  const pick = rng.fork('pick');
  const where = rng.fork('where');
  const errors: string[] = [];
  let pg: LocalCluster | undefined;
  const sim = await startFordSimulator({ catAccessTtlSeconds: s.catTtlSeconds });
  // The simulator follows the wall clock (the instances' clock), as the demo's embedded one does.
  const clock = setInterval(() => {
    const lag = Math.floor(Date.now() / 1000) - sim.clock.now();
    if (lag > 0) sim.clock.advance(lag);
  }, 200);
  const wire = new Wire(sim.url);
  let instances: Instances | undefined;
  let observer: Observer | undefined;
  let pool: ReturnType<typeof openPool> | undefined;
  let polling = true;
  let poller: Promise<void> | undefined;
  try {
    pg = await startLocalCluster();
    const database = await pg.createDatabase('soak');
    log(`PostgreSQL at ${pg.url}; simulator at ${sim.url}`);
    const people: ClusterPerson[] = [];
    for (let a = 0; a < s.accounts; a++) {
      const vins = Array.from({ length: s.vehiclesPerAccount + s.spareVehicles }, (_, v) =>
        `1FMSK${String(a).padStart(3, '0')}${String(v).padStart(4, '0')}CLST`.slice(0, 17),
      );
      const view = sim.control.createAccount({
        username: `cluster${a}@example.com`,
        password: `pw-${a}`,
        region: 'deu',
        vehicles: vins.map((vin, i) => ({ vin, model: 'Kuga', year: 2020 + (i % 5) })),
      });
      people.push({
        username: view.username,
        password: `pw-${a}`,
        subject: view.subject,
        region: 'deu',
        vins,
      });
    }
    instances = new Instances(wire, { database, leaseMs: s.leaseMs, log });
    await instances.start(s.instances);
    pool = openPool(database);
    await recordTokenWrites(pool);
    observer = new Observer(pool, s.leaseMs);
    observer.start();
    const obs = observer;
    const inst = instances;
    const user = new ClusterUser(sim.url, process.env.SOAK_DEBUG ? log : undefined);
    const acknowledged = new Set<string>();
    const configured = new Map<string, string[]>();
    const at =
      (slot: Slot): Where =>
      () => ({ url: slot.url, name: slot.name });
    const survivor =
      (not?: Slot): Where =>
      () => {
        const live = inst.live().filter((x) => x !== not);
        const slot = live[Math.floor(where.next() * live.length)] ?? inst.slots[0]!;
        return { url: slot.url, name: slot.name };
      };
    const add = async (where: Where, intent: Intent & { vin: string }) => {
      const { flowId, result } = await user.start(where, intent);
      const end = await user.finish(flowId, result, intent, where);
      if (end.type !== 'create_entry' || !end.entryId)
        throw new Error(`adding ${intent.vin}: ${end.type} ${end.reason}`);
      acknowledged.add(end.entryId);
      configured.set(intent.person.username, [...(configured.get(intent.person.username) ?? []), intent.vin]);
      return end.entryId;
    };

    // Shared accounts: each account's vehicles are added on different instances.
    log(`adding ${s.accounts * s.vehiclesPerAccount} vehicles on ${s.accounts} accounts`);
    await Promise.all(
      people.map(async (person, a) => {
        for (let v = 0; v < s.vehiclesPerAccount; v++) {
          const slot = inst.slots[(a + v) % inst.slots.length]!;
          const kind = v === 0 ? 'sign_in' : 'add_vehicle';
          await add(at(slot), { kind, person, vin: person.vins[v]! });
        }
      }),
    );
    await until(() => obs.leases.size >= acknowledged.size, 'every entry to have an owner', 60_000);

    // Polls asked of each entry's owner now and then: refreshes of shared accounts on several instances.
    poller = (async () => {
      const poll = rng.fork('poll');
      while (polling) {
        await sleep(s.pollEveryMs);
        const ids = [...acknowledged];
        const id = ids[Math.floor(poll.next() * ids.length)];
        const owner = id ? obs.ownerOf(id) : undefined;
        const slot = owner && inst.byName(owner.owner);
        if (id && slot)
          void call('POST', `${slot.url}/api/entries/${id}/refresh`, undefined, 20_000).catch(() => {});
      }
    })();

    const kills: Kill[] = [];
    const revocations: { account: string; at: number }[] = [];
    const flows: OpenFlow[] = [];
    const reauthDone = new Set<string>();
    /** The user answers a reauth prompt for `account` on a survivor (the one the instance opened). */
    const answerReauth = async (person: ClusterPerson, after: number) => {
      await until(
        () =>
          [...obs.reauthSeen].some(
            ([id, r]) =>
              r.account === person.subject && r.at >= after && !reauthDone.has(id) && obs.reauthOpen.has(id),
          ),
        `a reauth flow for ${person.username}`,
        s.leaseMs * 6 + 30_000,
      );
      const [flowId] = [...obs.reauthSeen].find(
        ([id, r]) =>
          r.account === person.subject && r.at >= after && !reauthDone.has(id) && obs.reauthOpen.has(id),
      )!;
      reauthDone.add(flowId);
      const where = survivor();
      let first: any;
      for (let i = 0; i < 20 && !first; i++) {
        const r = await call('GET', `${where().url}/api/flows/${flowId}`).catch(() => undefined);
        if (r?.status === 200) first = r.body;
        else await sleep(250);
      }
      if (!first) return;
      await user.finish(flowId, first, { kind: 'reauth', person }, where);
    };

    /** Every reauth prompt open and not answered yet: the user answers it on a survivor. */
    const answerOpen = async (kill: Kill | undefined, round: number) => {
      for (const [flowId, seen] of obs.reauthSeen) {
        if (reauthDone.has(flowId) || !obs.reauthOpen.has(flowId)) continue;
        const person = people.find((p) => p.subject === seen.account);
        if (!person) continue;
        log(`  answering reauth flow ${flowId.slice(0, 8)} of ${person.username}`);
        kill?.needsSignIn.push(person.subject);
        await answerReauth(person, 0).catch((error: Error) =>
          errors.push(`round ${round + 1}: answering reauth ${flowId}: ${error.message}`),
        );
      }
    };

    const plan = killPlan(s.kills, rng.fork('plan'));
    for (const [round, kind] of plan.entries()) {
      const withEntries = inst.live().filter((x) => obs.heldBy(x.name).length > 0);
      const victim = pick.pick(withEntries.length > 0 ? withEntries : inst.live());
      log(`round ${round + 1}/${plan.length}: kill ${victim.name} mid ${kind.replace('_', ' ')}`);
      const kill: Kill = { kind, instance: victim.name, at: 0, held: [], needsSignIn: [] };
      const doKill = async () => {
        kill.held = obs.heldBy(victim.name);
        kill.at = await inst.kill(victim);
      };
      try {
        if (kind === 'refresh_held' || kind === 'refresh_answered') {
          const held = obs.heldBy(victim.name);
          const entryId = pick.pick(held);
          let sprung = false;
          wire.arm(victim.index, kind === 'refresh_held' ? 'hold' : 'swallow', async (record) => {
            sprung = true;
            kill.account = record.subject;
            kill.lockHolder = record.subject ? await obs.accountLockHolder(record.subject) : undefined;
            await doKill();
          });
          // Ask for polls until one needs a refresh (another instance may have just rotated the pair).
          await until(
            async () => {
              if (!sprung)
                void call('POST', `${victim.url}/api/entries/${entryId}/refresh`, undefined, 20_000).catch(
                  () => {},
                );
              return sprung && kill.at > 0;
            },
            `${victim.name} to refresh`,
            30_000,
            1_500,
          );
          wire.disarm(victim.index);
          if (kind === 'refresh_answered' && kill.account) {
            kill.needsSignIn.push(kill.account);
            const person = people.find((p) => p.subject === kill.account)!;
            const reboot = inst.boot(victim);
            await answerReauth(person, kill.at);
            await reboot;
          } else await inst.boot(victim);
        } else if (kind === 'reauth') {
          const person = pick.pick(people);
          const entryId = [...acknowledged].find((id) => obs.entryAccount.get(id) === person.subject)!;
          sim.control.revoke(person.username);
          revocations.push({ account: person.subject, at: Date.now() });
          kill.needsSignIn.push(person.subject);
          const intent: Intent = { kind: 'reauth', person };
          const { flowId, result } = await user.start(at(victim), intent, entryId);
          reauthDone.add(flowId);
          const open: OpenFlow = {
            flowId,
            kind: 'reauth',
            startedOn: victim.name,
            endedOn: undefined,
            end: undefined,
          };
          flows.push(open);
          let current: Where = at(victim);
          const end = await user.finish(
            flowId,
            result,
            intent,
            () => current(),
            async (_step, r) => {
              // Region given on the victim; the sign-in link shown: the instance dies before the paste.
              if (r.type === 'external' && kill.at === 0) {
                await doKill();
                current = survivor(victim);
              }
            },
          );
          open.end = end.type === 'abort' ? end.reason : end.type;
          open.endedOn = end.instances.at(-1);
          await inst.boot(victim);
        } else {
          const person = pick.pick(
            people.filter((p) => (configured.get(p.username)?.length ?? 0) < p.vins.length),
          );
          const vin = person.vins.find((v) => !(configured.get(person.username) ?? []).includes(v))!;
          // In the sign-in step's request, the process dies holding the step (Ford's CAT exchange held):
          // a sign-in flow. Between two steps: either flow.
          const inRequest = kind === 'flow_request';
          const intent: Intent = {
            kind: inRequest || pick.chance(0.5) ? 'sign_in' : 'add_vehicle',
            person,
            vin,
          };
          const { flowId, result } = await user.start(at(victim), intent);
          const open: OpenFlow = {
            flowId,
            kind: 'flow',
            startedOn: victim.name,
            endedOn: undefined,
            end: undefined,
          };
          flows.push(open);
          const killAtStep = pick.int(1, 2);
          let current: Where = at(victim);
          if (inRequest)
            wire.arm(
              victim.index,
              'hold',
              async () => {
                await doKill();
                current = survivor(victim);
              },
              'cat',
            );
          const end = await user.finish(
            flowId,
            result,
            intent,
            () => current(),
            async (step) => {
              if (!inRequest && step === killAtStep && kill.at === 0) {
                await doKill();
                current = survivor(victim);
              }
            },
          );
          wire.disarm(victim.index);
          if (kill.at === 0) {
            errors.push(`round ${round + 1} (${kind}): the flow ended before the kill`);
            await doKill();
          }
          open.end = end.type === 'abort' ? end.reason : end.type;
          open.endedOn = end.instances.at(-1);
          if (end.type === 'create_entry' && end.entryId) {
            acknowledged.add(end.entryId);
            configured.set(person.username, [...(configured.get(person.username) ?? []), vin]);
          }
          await inst.boot(victim);
        }
      } catch (error) {
        errors.push(`round ${round + 1} (${kind}): ${(error as Error).stack ?? String(error)}`);
        if (!victim.alive) await inst.boot(victim).catch(() => {});
      }
      if (kill.at > 0) kills.push(kill);
      // Before the next kill: the killed instance's entries are polled again somewhere. Meanwhile the
      // user answers any other reauth prompt (a refresh of the victim's that Ford answered as it died).
      const vins = kill.held.map((id) => obs.entryVin.get(id));
      await until(
        async () => {
          await answerOpen(kill, round);
          return vins.every((vin) =>
            wire.log.some((r) => r.route === 'status' && r.vin === vin && r.at > kill.at && r.status === 200),
          );
        },
        `the entries of ${kill.instance} to be polled again`,
        s.leaseMs * 6 + 30_000,
        200,
      ).catch((error: Error) => errors.push(`round ${round + 1}: ${error.message}`));
    }

    polling = false;
    await poller;
    // Quiet period: every entry loaded (and any reauth the soak caused answered), then read back.
    await until(
      async () => {
        await answerOpen(kills.at(-1), plan.length);
        const r = await call('GET', `${inst.live()[0]!.url}/api/entries`).catch(() => undefined);
        return (
          Array.isArray(r?.body) &&
          r.body.length >= acknowledged.size &&
          r.body.every((e: any) => e.state === 'loaded')
        );
      },
      'every entry loaded',
      s.leaseMs * 6 + 30_000,
    ).catch((error: Error) => errors.push(error.message));
    await sleep(s.leaseMs);
    await obs.stop();
    await obs.sample();
    const listed = new Map<string, Set<string>>();
    for (const slot of inst.live()) {
      const r = await call('GET', `${slot.url}/api/entries`);
      listed.set(slot.name, new Set((r.body as { entryId: string }[]).map((e) => e.entryId)));
    }
    const stored = new Set(
      (await pool.query<{ entry_id: string }>('SELECT entry_id FROM configflow_entries')).rows.map(
        (r) => r.entry_id,
      ),
    );
    if (process.env.SOAK_TRACE) {
      // Everything the figures are made of, for a run that failed.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        process.env.SOAK_TRACE,
        JSON.stringify(
          {
            wire: wire.log,
            kills,
            revocations,
            flows,
            reauthSeen: [...obs.reauthSeen],
            tokenHistory: [...obs.tokenHistory],
            leaseChanges: obs.leaseChanges,
          },
          null,
          1,
        ),
      );
    }
    const figures = computeFigures({
      wire: wire.log,
      observer: obs,
      kills,
      revocations,
      acknowledged,
      listed,
      stored,
      flows,
      leaseMs: s.leaseMs,
    });
    return {
      ...figures,
      scenario: s,
      wallMs: Date.now() - started,
      errors,
      budget: people.map((p) => ({ username: p.username, ...sim.state.budget(p.username)! })),
    };
  } finally {
    polling = false;
    await poller?.catch(() => {});
    await observer?.stop().catch(() => {});
    await instances?.stop().catch(() => {});
    await pool?.end().catch(() => {});
    await wire.close();
    clearInterval(clock);
    await sim.close();
    await pg?.stop();
  }
}
