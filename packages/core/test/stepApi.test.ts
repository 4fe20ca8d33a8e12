/**
 * The step API handed to a handler is an object a handler may take apart: destructured methods and
 * getters work, and `context` stays read-only (issue 17 moved its getters to a shared prototype, so
 * this pins what a handler sees).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfigFlow, FlowManager } from '../src/index.ts';

function flowWith(submit: (input: { name: string }, flow: any) => unknown) {
  return defineConfigFlow({
    domain: 'api_shape',
    context: () => ({ seen: '' }),
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ name: z.string() }),
        next: ['create_entry'],
        submit: submit as never,
      }),
    }),
  });
}

describe('the step API', () => {
  it('works taken apart: destructured context, signal and createEntry', async () => {
    const manager = new FlowManager({
      flows: [
        flowWith((input, { context, signal, createEntry, stepId, source }) => {
          context.seen = `${input.name} at ${stepId} from ${source}, aborted ${signal.aborted}`;
          return createEntry({ title: context.seen, data: { name: input.name } });
        }),
      ],
    });
    const { flowId } = await manager.init('api_shape');
    const end = await manager.configure(flowId, { name: 'lamp' });
    expect(end).toMatchObject({ type: 'create_entry', title: 'lamp at user from user, aborted false' });
  });

  it('has a read-only context: assigning it is an error the form shows as base: unknown', async () => {
    const manager = new FlowManager({
      flows: [
        flowWith((_input, flow) => {
          flow.context = { seen: 'replaced' };
          return flow.createEntry({ title: 'never', data: {} });
        }),
      ],
    });
    const { flowId } = await manager.init('api_shape');
    expect(await manager.configure(flowId, { name: 'x' })).toMatchObject({
      type: 'form',
      stepId: 'user',
      errors: { base: 'unknown' },
    });
  });

  it('gives each step its own context copy and signal', async () => {
    const signals: AbortSignal[] = [];
    const manager = new FlowManager({
      flows: [
        flowWith((input, flow) => {
          signals.push(flow.signal);
          expect(flow.signal).toBe(signals.at(-1));
          flow.context.seen += input.name;
          return input.name === 'again'
            ? flow.showErrors({ base: 'unknown' })
            : flow.createEntry({ title: flow.context.seen, data: {} });
        }),
      ],
    });
    const { flowId } = await manager.init('api_shape');
    await manager.configure(flowId, { name: 'again' });
    const end = await manager.configure(flowId, { name: 'done' });
    // The re-shown step's context changes were committed; each step had a signal of its own.
    expect(end).toMatchObject({ type: 'create_entry', title: 'againdone' });
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
  });
});

describe('cloneJson (a step works on a copy of the flow context)', () => {
  it('copies JSON deeply, keeps an own "__proto__" key a key, and hands anything else to structuredClone', async () => {
    const { cloneJson } = await import('../src/stepRunner.ts');
    const json = JSON.parse('{"a":[1,{"b":null}],"__proto__":{"polluted":true}}');
    const copy = cloneJson(json) as Record<string, unknown>;
    expect(copy).toEqual(json);
    expect(copy.a).not.toBe(json.a);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const odd = { when: new Date(0), deep: [[[[]]]] } as never;
    const oddCopy = cloneJson(odd) as unknown as { when: Date };
    expect(oddCopy.when).toBeInstanceOf(Date);
    expect(oddCopy.when).not.toBe((odd as { when: Date }).when);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const cycleCopy = cloneJson(cyclic as never) as Record<string, unknown>;
    expect(cycleCopy.self).toBe(cycleCopy);
  });
});
