import { describe, expect, it } from 'vitest';
import { AuthFailed, type EntryChanges, EntryNotReady } from '../src/index.ts';
import { reauthCall, world } from './haWorld.ts';

/**
 * Issue 15, the config-entry half: unique-id updates and reloads, reauth and reconfigure, migration,
 * auth failures and unloading, driven through FlowManager, ConfigEntries and EntryRuntime.
 */
describe("Home Assistant's config-entry semantics", () => {
  it('4. abortIfUniqueIdConfigured with changed updates reloads only a loaded or retrying entry', async () => {
    const w = world();
    const stopped = await w.storedEntry('d1');
    const user = await w.manager.init('dev');
    expect(await w.manager.configure(user.flowId, { id: 'd1', host: 'moved.local' })).toMatchObject({
      reason: 'already_configured',
    });
    await w.runtime.idle();
    expect(w.entry(stopped.entryId)).toMatchObject({ state: 'not_loaded', data: { host: 'moved.local' } });
    expect(w.calls.setup).toBe(0);
    // A loaded one is reloaded; the same host again changes nothing and reloads nothing.
    const loaded = await w.addDevice('d2');
    expect(w.calls.setup).toBe(1);
    const again = await w.manager.init('dev');
    await w.manager.configure(again.flowId, { id: 'd2', host: 'moved2.local' });
    await w.runtime.idle();
    expect(w.calls.setup).toBe(2);
    const same = await w.manager.init('dev');
    await w.manager.configure(same.flowId, { id: 'd2', host: 'moved2.local' });
    await w.runtime.idle();
    expect(w.calls.setup).toBe(2);
    expect(w.state(loaded.entryId)).toBe('loaded');
  });

  it('5. a discovery that finds its entry in setup_retry reloads it, even without updates', async () => {
    const w = world();
    w.script.setup.push(new EntryNotReady('offline'));
    const retrying = await w.addDevice('d1');
    expect(w.state(retrying.entryId)).toBe('setup_retry');
    expect(await w.discover({ id: 'd1', host: 'd1.local' })).toMatchObject({ reason: 'already_configured' });
    await w.runtime.idle();
    expect(w.calls.setup).toBe(2);
    expect(w.state(retrying.entryId)).toBe('loaded');
    // A user flow is not a discovery: it does not reload a retrying entry that it did not change.
    w.script.setup.push(new EntryNotReady('offline'));
    await w.runtime.reload(retrying.entryId);
    const user = await w.manager.init('dev');
    await w.manager.configure(user.flowId, { id: 'd1', host: 'd1.local' });
    await w.runtime.idle();
    expect(w.calls.setup).toBe(3);
  });

  it('6. a user flow that matches an ignored entry merges its updates into it', async () => {
    const w = world();
    await w.manager.init('dev', { source: 'ignore', data: { uniqueId: 'd1', title: 'Ignored' } });
    const merged: unknown[] = [];
    w.manager.entries.subscribe((e) => {
      if (e.type === 'entry_updated' && e.entry.source === 'ignore') merged.push(e.entry.data);
    });
    const user = await w.manager.init('dev');
    const created = await w.manager.configure(user.flowId, { id: 'd1', host: 'd1.local' });
    // The updates landed in the ignored entry first; then the user's own setup replaced it.
    expect(merged).toEqual([{ host: 'd1.local' }]);
    expect(created).toMatchObject({ type: 'create_entry', entry: { source: 'user', uniqueId: 'd1' } });
    expect(w.manager.entries.list().map((e) => e.source)).toEqual(['user']);
  });

  it('7. no reauth starts while a reconfigure flow is open for the entry; reconfigure is allowed during reauth, and twice', async () => {
    const w = world();
    const entry = await w.addDevice('d1');
    const reconfigure = await w.manager.init('dev', { source: 'reconfigure', entryId: entry.entryId });
    expect(await w.runtime.requestReauth(entry.entryId)).toBeUndefined();
    w.script.poll.push(new AuthFailed('token revoked'));
    await w.runtime.refresh(entry.entryId);
    expect(w.manager.list({ source: 'reauth' })).toEqual([]);
    await w.manager.abort(reconfigure.flowId);
    // The reverse: with a reauth open, reconfigure flows still start, two of them too.
    const reauth = await w.runtime.requestReauth(entry.entryId);
    expect(reauth).toMatchObject({ type: 'form', stepId: 'reauth_confirm' });
    const one = await w.manager.init('dev', { source: 'reconfigure', entryId: entry.entryId });
    const two = await w.manager.init('dev', { source: 'reconfigure', entryId: entry.entryId });
    expect([one.type, two.type]).toEqual(['form', 'form']);
    expect(
      w.manager
        .list({ entryId: entry.entryId })
        .map((f) => f.source)
        .sort(),
    ).toEqual(['reauth', 'reconfigure', 'reconfigure']);
  });

  it('8. updateReloadAndAbort with both data and dataUpdates is an error and changes nothing', async () => {
    const w = world();
    const entry = await w.addDevice('d1');
    reauthCall.changes = { data: { id: 'd1', host: 'x' } } as unknown as EntryChanges<'reauth_successful'>;
    const reauth = await w.runtime.requestReauth(entry.entryId, { manual: true });
    const shown = await w.manager.configure(reauth!.flowId, { token: 't2' });
    await w.runtime.idle();
    expect(shown).toMatchObject({ type: 'form', stepId: 'reauth_confirm', errors: { base: 'unknown' } });
    expect(w.entry(entry.entryId).data).toEqual(entry.data);
    expect(w.calls.setup).toBe(1);
  });

  it('9. an entry whose major version is newer than the handler still goes to migrate, which decides', async () => {
    const downgrade = world({ migrate: async (e) => ({ data: { ...e.data, downgraded: true } }) });
    const newer = await downgrade.storedEntry('d1', { id: 'd1' }, 3);
    await downgrade.runtime.setup(newer.entryId);
    expect(downgrade.calls.migrate).toBe(1);
    expect(downgrade.entry(newer.entryId)).toMatchObject({
      state: 'loaded',
      version: 2,
      data: { downgraded: true },
    });
    const refused = world({ migrate: async () => false });
    const other = await refused.storedEntry('d1', { id: 'd1' }, 3);
    await refused.runtime.setup(other.entryId);
    expect(refused.calls.migrate).toBe(1);
    expect(refused.entry(other.entryId)).toMatchObject({ state: 'migration_error', version: 3 });
    // Without a migrator a newer entry is never touched.
    const none = world();
    const untouched = await none.storedEntry('d1', { id: 'd1' }, 3);
    await none.runtime.setup(untouched.entryId);
    expect(none.entry(untouched.entryId)).toMatchObject({ state: 'migration_error', version: 3 });
    expect(none.calls.setup).toBe(0);
  });

  it("10. after AuthFailed the entry's reason is the error's message", async () => {
    const w = world();
    w.script.setup.push(new AuthFailed('the API key was revoked'));
    const entry = await w.addDevice('d1');
    expect(w.entry(entry.entryId)).toMatchObject({ state: 'setup_error', reason: 'the API key was revoked' });
    w.script.setup.push(new AuthFailed(''));
    await w.runtime.reload(entry.entryId);
    expect(w.entry(entry.entryId).reason).toBe('could not authenticate');
  });

  it('11. AuthFailed from a later poll stops polling and opens one reauth flow (documented difference)', async () => {
    const w = world();
    const entry = await w.addDevice('d1');
    expect(w.calls.poll).toBe(1);
    w.script.poll.push(new AuthFailed('session ended'));
    await w.clock.advance(60_000);
    await w.runtime.idle();
    expect(w.calls.poll).toBe(2);
    expect(w.entry(entry.entryId)).toMatchObject({ state: 'setup_error', reason: 'session ended' });
    expect(w.manager.list({ source: 'reauth' })).toHaveLength(1);
    await w.clock.advance(10 * 60_000);
    expect(w.calls.poll).toBe(2);
    expect(w.clock.pending()).toEqual([]);
  });

  it('12. a failing unload leaves failed_unload; unload and reload pass through unload_in_progress', async () => {
    const w = world();
    const entry = await w.addDevice('d1');
    w.states.length = 0;
    expect(await w.runtime.reload(entry.entryId)).toBe('loaded');
    expect(w.states).toEqual(['unload_in_progress', 'not_loaded', 'setup_in_progress', 'loaded']);
    w.states.length = 0;
    w.script.unload.push(new Error('socket still busy'));
    expect(await w.runtime.unload(entry.entryId)).toBe(false);
    expect(w.states).toEqual(['unload_in_progress', 'failed_unload']);
    expect(w.entry(entry.entryId).reason).toBe('socket still busy');
    // Home Assistant will not unload or set up such an entry again until a restart.
    expect(await w.runtime.reload(entry.entryId)).toBe('failed_unload');
    expect([w.calls.setup, w.calls.unload]).toEqual([2, 2]);
    // An entry that is not running unloads straight to not_loaded.
    w.script.setup.push(new EntryNotReady('offline'));
    const retrying = await w.addDevice('d2');
    w.states.length = 0;
    expect(await w.runtime.unload(retrying.entryId)).toBe(true);
    expect(w.states).toEqual(['not_loaded']);
    expect(w.clock.pending()).toEqual([]);
  });

  it('18. updateReloadAndAbort can skip the reload when nothing changed, and change the unique id', async () => {
    const w = world();
    const entry = await w.addDevice('d1');
    await w.storedEntry('taken');
    const reauth = async (changes: EntryChanges<'reauth_successful'>, token: string) => {
      reauthCall.changes = changes;
      const flow = await w.runtime.requestReauth(entry.entryId, { manual: true });
      const result = await w.manager.configure(flow!.flowId, { token });
      await w.runtime.idle();
      return result;
    };
    expect(await reauth({ reloadEvenIfUnchanged: false }, 't1')).toMatchObject({
      reason: 'reauth_successful',
    });
    expect(w.calls.setup).toBe(2); // changed: reloaded
    await reauth({ reloadEvenIfUnchanged: false }, 't1');
    expect(w.calls.setup).toBe(2); // unchanged: not reloaded
    await reauth({}, 't1');
    expect(w.calls.setup).toBe(3); // Home Assistant's default reloads even so
    await reauth({ uniqueId: 'd1-new' }, 't1');
    expect(w.entry(entry.entryId).uniqueId).toBe('d1-new');
    expect(w.manager.entries.findByUniqueId('dev', 'd1-new')?.entryId).toBe(entry.entryId);
    expect(w.manager.entries.findByUniqueId('dev', 'd1')).toBeUndefined();
    // An id another entry holds is refused, and nothing changes.
    const refused = await reauth({ uniqueId: 'taken' }, 't2');
    expect(refused).toMatchObject({ type: 'form', errors: { base: 'unknown' } });
    expect(w.entry(entry.entryId)).toMatchObject({ uniqueId: 'd1-new', data: { token: 't1' } });
  });

  it('19. an options flow reloads its entry when its options changed, unless its author chose not to', async () => {
    const reloading = world();
    const a = await reloading.addDevice('d1');
    const setOptions = async (w: typeof reloading, entryId: string, interval: number) => {
      const { flowId } = await w.manager.init('dev', { source: 'options', entryId });
      expect(await w.manager.configure(flowId, { interval })).toMatchObject({ type: 'create_entry' });
      await w.runtime.idle();
    };
    await setOptions(reloading, a.entryId, 30);
    expect(reloading.calls.setup).toBe(2);
    await setOptions(reloading, a.entryId, 30);
    expect(reloading.calls.setup).toBe(2);
    const quiet = world({ optionsReload: false });
    const b = await quiet.addDevice('d1');
    await setOptions(quiet, b.entryId, 45);
    expect(quiet.entry(b.entryId)).toMatchObject({ state: 'loaded', options: { interval: 45 } });
    expect([quiet.calls.setup, quiet.calls.unload]).toEqual([1, 0]);
  });
});
