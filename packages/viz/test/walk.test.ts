import { createHelloFlow } from '@configflow/example-hello';
import { describe, expect, it } from 'vitest';
import { and, createMachine, setup } from 'xstate';
import { createKitchenFlow } from '../../core/test/flows.ts';
import { chartGraph, guardLabel, restrictToSource, toMermaid, walkMachine } from '../src/index.ts';

describe('walkMachine', () => {
  const graph = walkMachine(createKitchenFlow().machine);
  const node = (id: string) => graph.nodes.find((n) => n.id === id);

  it('keeps the eventless source edges toJSON() drops', () => {
    const starts = graph.edges.filter((e) => e.kind === 'always');
    expect(starts.map((e) => [e.target, e.guard, e.fromSource])).toEqual([
      ['start', 'fromSource(user)', 'user'],
      ['confirm', 'fromSource(discovery)', 'discovery'],
      ['quick', 'fromSource(import)', 'import'],
    ]);
    expect(node(starts[0]!.source)?.kind).toBe('initial-pseudo');
  });

  it('models steps, substates with their invoke, and distinct ends', () => {
    expect(node('start')).toMatchObject({ kind: 'step', stepKind: 'menu' });
    expect(node('name')).toMatchObject({ kind: 'step', stepKind: 'form', initial: 'name.idle' });
    expect(node('name.running')).toMatchObject({ kind: 'substate', parent: 'name', invoke: 'name' });
    expect(node('work')).toMatchObject({ kind: 'step', stepKind: 'progress', invoke: 'work' });
    expect(node('create_entry')).toMatchObject({ kind: 'final', end: 'create_entry' });
    expect(node('abort_nope')).toMatchObject({ kind: 'final', end: 'abort', reason: 'nope' });
    expect(node('abort_failed')).toMatchObject({ kind: 'final', end: 'abort', reason: 'failed' });
  });

  it('names invoke results done/error and labels guards from type and params', () => {
    const from = (id: string) => graph.edges.filter((e) => e.source === id);
    expect(from('name.running')).toEqual([
      { source: 'name.running', target: 'work', event: 'done', kind: 'done', guard: 'goesTo(work)' },
      { source: 'name.running', target: 'abort_nope', event: 'done', kind: 'done', guard: 'aborts(nope)' },
      { source: 'name.running', target: 'name.idle', event: 'done', kind: 'done', guard: 'showsErrors' },
      { source: 'name.running', target: 'name.idle', event: 'error', kind: 'error' },
    ]);
    expect(from('start').map((e) => `${e.event} ${e.guard}`)).toEqual([
      'CHOOSE chose(name)',
      'CHOOSE chose(signin)',
    ]);
    expect(from('work').find((e) => e.kind === 'error')?.target).toBe('abort_unknown');
  });

  it('reads `after` transitions, guard combinators, and starts a plain machine at a synthetic node', () => {
    const machine = setup({
      guards: { ready: () => true, allowed: (_, _p: { who: string }) => true },
    }).createMachine({
      id: 'plain',
      initial: 'wait',
      states: {
        wait: {
          description: 'waits a second',
          after: { 1000: 'next' },
          on: { GO: { target: 'next', guard: and(['ready', { type: 'allowed', params: { who: 'me' } }]) } },
        },
        next: { type: 'final' },
      },
    });
    const g = walkMachine(machine);
    expect(g.nodes[0]).toMatchObject({ kind: 'initial-pseudo' });
    expect(g.nodes.find((n) => n.id === 'wait')?.description).toBe('waits a second');
    expect(g.edges.map((e) => [e.source, e.target, e.kind, e.event, e.guard])).toEqual([
      ['__start', 'wait', 'always', '', undefined],
      ['wait', 'next', 'event', 'GO', 'and(ready, allowed(me))'],
      ['wait', 'next', 'after', 'after(1000ms)', undefined],
    ]);
    expect(toMermaid(machine)).toContain('[*] --> plain__wait');
  });

  it('labels every guard shape', () => {
    expect(guardLabel('named')).toBe('named');
    expect(guardLabel({ type: 'x' })).toBe('x');
    expect(guardLabel({ type: 'x', params: { a: 'b', n: 2 } })).toBe('x(b, 2)');
    expect(guardLabel(undefined)).toBeUndefined();
  });
});

describe('restricting to a source', () => {
  it('keeps only what the reauth source reaches', () => {
    const g = chartGraph(createHelloFlow(), { source: 'reauth' });
    expect(g.nodes.filter((n) => n.kind !== 'initial-pseudo').map((n) => n.id)).toEqual([
      'reauth_confirm',
      'reauth_confirm.idle',
      'reauth_confirm.running',
      'abort_reauth_successful',
      'abort_wrong_account',
    ]);
    expect(g.edges.filter((e) => e.kind === 'always').map((e) => e.fromSource)).toEqual(['reauth']);
  });

  it('follows menus and shared steps', () => {
    const ids = chartGraph(createKitchenFlow(), { source: 'user' }).nodes.map((n) => n.id);
    expect(ids).toContain('signin.running');
    expect(ids).toContain('create_entry');
    expect(ids).not.toContain('confirm');
    expect(ids).not.toContain('abort_already_configured');
  });

  it('rejects a source the flow does not have, naming the ones it has', () => {
    expect(() => restrictToSource(walkMachine(createHelloFlow().machine), 'discovery')).toThrow(
      /no source "discovery" \(it has user, reauth, reconfigure\)/,
    );
  });

  it('picks the options flow', () => {
    const g = chartGraph(createHelloFlow(), { flow: 'options', source: 'options' });
    expect(g.id).toBe('hello_options');
    expect(g.nodes.map((n) => n.id)).toContain('init');
    expect(() => chartGraph(createKitchenFlow(), { flow: 'options' })).toThrow(/no options flow/);
  });

  it('accepts a bare machine', () => {
    const m = createMachine({ id: 'm', initial: 'a', states: { a: { on: { X: 'b' } }, b: {} } });
    expect(walkMachine(m).edges.map((e) => `${e.source}->${e.target}`)).toEqual(['__start->a', 'a->b']);
  });
});
