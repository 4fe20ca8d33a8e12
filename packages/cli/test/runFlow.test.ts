import { defineConfigFlow, FlowManager } from '@configflow/core';
import { createHelloFlow } from '@configflow/example-hello';
import { z } from '@configflow/forms';
import { describe, expect, it } from 'vitest';
import { numberProblem } from '../src/terminal/askField.ts';
import type { Spinner } from '../src/terminal/io.ts';
import { runFlow } from '../src/terminal/runFlow.ts';
import { CANCEL, type ScriptedAnswer, ScriptedIO } from '../src/terminal/scriptedIO.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A flow with every widget, a menu, a progress step, an external step and an abort. */
function widgetFlow(progressGate?: (signal: AbortSignal) => Promise<void>) {
  return defineConfigFlow({
    domain: 'widgets',
    title: 'Widgets',
    strings: {
      en: {
        title: 'Widget box',
        config: {
          step: {
            start: {
              title: 'What now?',
              menu_options: {
                details: 'Fill in the details',
                sign_in: 'Sign in with a browser',
                give_up: 'Give up',
              },
            },
            details: {
              title: 'Details',
              data: { name: 'Name', port: 'Port' },
              sections: { advanced: { name: 'Advanced settings' } },
            },
            sign_in: { title: 'Sign in', description: 'Use your account at the vendor.' },
          },
          error: { bad_name: 'That name is taken' },
          abort: { nope: 'Not today' },
          progress: { crunch: 'Crunching…' },
        },
      },
    },
    sources: { user: 'start' },
    steps: ({ form, menu, progress, external }) => ({
      start: menu({ options: ['details', 'sign_in', 'give_up'] }),
      details: form({
        schema: z.object({
          name: z.string().min(1),
          password: z.string().min(1).meta({ secret: true }),
          port: z.int().min(1).max(65535).default(80).meta({ unit: 'tcp' }),
          tls: z.boolean().default(false),
          mode: z.enum(['fast', 'safe']).default('safe'),
          features: z.array(z.enum(['a', 'b', 'c'])),
          notes: z.string().optional().meta({ widget: 'textarea' }),
          homepage: z.url().optional(),
          email: z.email().optional(),
          kind: z.literal('v1'),
          ref: z.string().optional().meta({ widget: 'hidden', suggested: 'from-render' }),
          cert: z
            .string()
            .optional()
            .meta({ section: 'advanced', visibleWhen: { field: 'tls', equals: true } }),
          level: z.int().optional().meta({ section: 'advanced' }),
        }),
        next: ['work'],
        errors: ['bad_name'],
        submit(input, flow) {
          if (input.name === 'taken') return flow.showErrors({ name: 'bad_name' });
          (flow.context as Record<string, unknown>).details = input;
          return flow.next('work');
        },
      }),
      work: progress({
        progressAction: 'crunch',
        next: ['create_entry'],
        async run(flow) {
          await tick();
          flow.progress(0.4);
          await (progressGate ? progressGate(flow.signal) : tick());
          flow.progress(0.8);
          await tick();
          const details = (flow.context as { details: Record<string, never> }).details;
          return flow.createEntry({ title: `Widget ${details.name}`, data: details });
        },
      }),
      sign_in: external({
        url: (flow) => `https://vendor.example/login?state=${flow.flowId}`,
        schema: z.object({ code: z.string().min(4) }),
        next: ['create_entry'],
        submit: ({ code }, flow) => flow.createEntry({ title: 'Signed in', data: { code } }),
      }),
      give_up: form({
        schema: z.object({ sure: z.boolean() }),
        aborts: ['nope'],
        submit: (_input, flow) => flow.abort('nope'),
      }),
    }),
  });
}

function setUp(answers: ScriptedAnswer[], progressGate?: (signal: AbortSignal) => Promise<void>) {
  const manager = new FlowManager({ flows: [widgetFlow(progressGate), createHelloFlow()] });
  return { manager, io: new ScriptedIO(answers) };
}

/** Answers for the details form with tls off: cert is never asked. */
const DETAILS = [
  'box',
  's3cret',
  '8080',
  false,
  'fast',
  ['a', 'c'],
  'two\nlines',
  'https://box.example',
  'me@box.example',
  '3',
];

describe('runFlow: forms', () => {
  it('asks every widget kind with its prompt and submits typed values', async () => {
    const { manager, io } = setUp(['details', ...DETAILS]);
    const outcome = await runFlow({ manager, handler: 'widgets', io });

    expect(outcome.type).toBe('create_entry');
    expect(io.remaining).toBe(0);
    expect(io.asked.map((a) => [a.kind, a.prompt.field])).toEqual([
      ['select', ''],
      ['text', 'name'],
      ['password', 'password'],
      ['text', 'port'],
      ['confirm', 'tls'],
      ['select', 'mode'],
      ['multiselect', 'features'],
      ['multiline', 'notes'],
      ['text', 'homepage'],
      ['text', 'email'],
      ['text', 'level'],
    ]);
    // A multi-line box needs Enter twice: the prompt says so (a FordPass paste hung on one Enter).
    expect(io.asked.find((a) => a.kind === 'multiline')!.prompt.message).toBe(
      'Notes (press Enter twice to finish)',
    );
    const entry = manager.entries.list({ domain: 'widgets' })[0]!;
    expect(entry.title).toBe('Widget box');
    expect(entry.data).toEqual({
      name: 'box',
      password: 's3cret',
      port: 8080,
      tls: false,
      mode: 'fast',
      features: ['a', 'c'],
      notes: 'two\nlines',
      homepage: 'https://box.example',
      email: 'me@box.example',
      kind: 'v1',
      ref: 'from-render',
      level: 3,
    });
    const t = io.transcript;
    expect(t[0]).toBe('┌ Widget box');
    // Translated labels and the unit; the password is masked in the transcript.
    expect(t).toContain('? Name');
    expect(t).toContain('? Port (tcp)');
    expect(t).toContain('  ▪▪▪▪▪▪');
    expect(t).not.toContain('  s3cret');
    expect(t).toContain('│ Kind: v1');
    expect(t).toContain('◇ Advanced settings');
    expect(t.at(-1)).toBe('└ Created Widget box');
  });

  it('pre-fills defaults, offers options as lists and bounds numbers', async () => {
    const { manager, io } = setUp(['details', ...DETAILS]);
    await runFlow({ manager, handler: 'widgets', io });
    const prompt = (field: string) =>
      io.asked.find((a) => a.prompt.field === field)!.prompt as never as Record<string, any>;
    expect(prompt('port')).toMatchObject({ initial: '80', placeholder: '1–65535', message: 'Port (tcp)' });
    expect(prompt('tls')).toMatchObject({ initial: false });
    expect(prompt('mode')).toMatchObject({
      initial: 'safe',
      options: [{ value: 'fast' }, { value: 'safe' }],
    });
    expect(prompt('features')).toMatchObject({ required: true, initial: [] });
    expect(prompt('port').validate('abc')).toBe('Enter a number');
    expect(prompt('port').validate('70000')).toBe('At most 65535');
    expect(prompt('port').validate('1.5')).toBe('Enter a whole number');
    expect(prompt('name').validate('')).toBe('This field is required');
  });

  it('honours visibleWhen: the dependent field is asked once its condition holds', async () => {
    const answers = [...DETAILS];
    answers[3] = true; // tls
    answers.splice(9, 0, '-----BEGIN CERT-----'); // cert, after email, in the advanced section
    const { manager, io } = setUp(['details', ...answers]);
    await runFlow({ manager, handler: 'widgets', io });
    const fields = io.asked.map((a) => a.prompt.field);
    expect(fields.slice(-2)).toEqual(['cert', 'level']);
    expect(manager.entries.list({ domain: 'widgets' })[0]!.data.cert).toBe('-----BEGIN CERT-----');
  });

  it('re-asks only the failing fields, with the translated error beside the label', async () => {
    const answers = [...DETAILS];
    answers[0] = 'taken'; // the handler refuses the name
    answers[7] = 'not a url'; // the server's schema refuses the homepage
    const { manager, io } = setUp(['details', ...answers, 'https://box.example', 'other']);
    const outcome = await runFlow({ manager, handler: 'widgets', io });

    expect(outcome.type).toBe('create_entry');
    const tail = io.asked.slice(-2).map((a) => [a.prompt.field, a.prompt.error]);
    expect(tail).toEqual([
      ['homepage', 'The format is not valid'],
      ['name', 'That name is taken'],
    ]);
    expect(io.transcript).toContain('? Homepage  ✗ The format is not valid');
    expect(io.transcript).toContain('? Name  ✗ That name is taken');
    // The re-asked name starts from what was typed; the other answers were kept, not asked again.
    expect(io.asked.at(-1)!.prompt).toMatchObject({ initial: 'taken' });
    expect(manager.entries.list({ domain: 'widgets' })[0]!.data).toMatchObject({ name: 'other', port: 8080 });
  });

  it('shows a base error as a line above the form and asks the whole form again, pre-filled', async () => {
    const { manager, io } = setUp(['offline', 'hello-1', 'kitchen.local', 'hello-1']);
    const outcome = await runFlow({ manager, handler: 'hello', io });
    expect(outcome.type).toBe('create_entry');
    const base = io.transcript.indexOf('▲ Cannot connect to the device');
    expect(base).toBeGreaterThan(0);
    expect(io.transcript[base - 1]).toBe('◇ Connect to your Hello device');
    expect(io.asked[2]!.prompt).toMatchObject({ field: 'host', initial: 'offline' });
    expect(io.asked[3]!.prompt).not.toHaveProperty('initial');
  });

  it('offers to keep a stored secret only when the form lets it be left out', async () => {
    const { manager, io } = setUp(['kitchen.local', 'hello-1']);
    await runFlow({ manager, handler: 'hello', io });
    const entry = manager.entries.list({ domain: 'hello' })[0]!;
    const reauth = new ScriptedIO(['hello-2']);
    const outcome = await runFlow({
      manager,
      handler: 'hello',
      source: 'reauth',
      entryId: entry.entryId,
      io: reauth,
    });
    // The hello reauth form requires a new token: no "leave empty to keep", and empty is refused here.
    const prompt = reauth.asked[0]!.prompt as {
      message: string;
      validate?: (v: string) => string | undefined;
    };
    expect(prompt.message).toBe('API token');
    expect(prompt.validate?.('')).toBe('This field is required');
    expect(reauth.asked).toHaveLength(1);
    expect(outcome).toMatchObject({ type: 'abort', ok: true });
    expect(reauth.transcript.at(-1)).toBe('└ Signed in again');
    expect(manager.entries.require(entry.entryId).data.apiToken).toBe('hello-2');
  });
});

describe('runFlow: the sample in docs/terminal.md', () => {
  it('runs hello from a list of answers', async () => {
    const manager = new FlowManager({ flows: [createHelloFlow()] });
    const io = new ScriptedIO(['kitchen.local', 'hello-1']);
    const outcome = await runFlow({ manager, handler: 'hello', io });
    expect(outcome.type).toBe('create_entry');
    expect(io.transcript.at(-1)).toBe('└ Created Hello at kitchen.local');
  });
});

describe('runFlow: menus, progress, external steps and ends', () => {
  it('renders a menu as a select of translated options', async () => {
    const { manager, io } = setUp(['give_up', true]);
    await runFlow({ manager, handler: 'widgets', io });
    expect(io.asked[0]!.prompt).toMatchObject({
      message: 'What now?',
      options: [
        { value: 'details', label: 'Fill in the details' },
        { value: 'sign_in', label: 'Sign in with a browser' },
        { value: 'give_up', label: 'Give up' },
      ],
    });
  });

  it('shows a spinner that follows the progress events', async () => {
    const { manager, io } = setUp(['details', ...DETAILS]);
    await runFlow({ manager, handler: 'widgets', io });
    const spinner = io.transcript.filter((l) => l.includes('Crunching'));
    expect(spinner[0]).toMatch(/^◒ Crunching…( 40%)?$/);
    expect(spinner).toContain('◒ Crunching… 40%');
    expect(spinner).toContain('◒ Crunching… 80%');
    expect(spinner.at(-1)).toBe('◇ Crunching…');
  });

  it('prints the external URL and asks for what the browser gave back', async () => {
    const { manager, io } = setUp(['sign_in', 'abcd-1234']);
    const outcome = await runFlow({ manager, handler: 'widgets', io });
    expect(io.transcript).toContain('◇ Sign in');
    expect(io.transcript).toContain('│ Use your account at the vendor.');
    const url = io.transcript.find((l) => l.includes('https://vendor.example/login?state='));
    expect(url).toContain('paste');
    expect(io.asked[1]!.prompt.field).toBe('code');
    expect(outcome.type).toBe('create_entry');
    expect(manager.entries.list({ domain: 'widgets' })[0]!.data).toEqual({ code: 'abcd-1234' });
  });

  it('ends an abort with the translated reason', async () => {
    const { manager, io } = setUp(['give_up', true]);
    const outcome = await runFlow({ manager, handler: 'widgets', io });
    expect(outcome).toMatchObject({ type: 'abort', ok: false, result: { reason: 'nope' } });
    expect(io.transcript.at(-1)).toBe('■ Not today');
  });

  it('aborts the flow on the manager when a prompt is cancelled', async () => {
    const { manager, io } = setUp(['details', 'box', CANCEL]);
    const outcome = await runFlow({ manager, handler: 'widgets', io });
    expect(outcome.type).toBe('cancelled');
    expect(manager.list()).toEqual([]);
    expect(io.transcript.at(-1)).toBe('■ Cancelled: the flow was aborted');
  });

  it('aborts the flow and its progress work on Ctrl-C while the spinner runs', async () => {
    const controller = new AbortController();
    let workSignal: AbortSignal | undefined;
    const gate = (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        workSignal = signal;
        signal.addEventListener('abort', () => resolve());
      });
    const { manager } = setUp([], gate);
    // A terminal whose spinner presses Ctrl-C once the 40% report is on screen.
    const io = new (class extends ScriptedIO {
      override spinner(): Spinner {
        const inner = super.spinner();
        return {
          ...inner,
          update: (t) => {
            inner.update(t);
            if (t.endsWith('40%')) controller.abort();
          },
        };
      }
    })(['details', ...DETAILS]);
    const outcome = await runFlow({ manager, handler: 'widgets', io, signal: controller.signal });
    expect(outcome.type).toBe('cancelled');
    expect(manager.list()).toEqual([]);
    expect(workSignal?.aborted).toBe(true);
    expect(io.transcript).toContain('◇ Crunching… (interrupted)');
  });
});

describe('numberProblem', () => {
  it('checks numbers as the server would, before they are sent', () => {
    const field = {
      name: 'n',
      required: true,
      widget: 'number' as const,
      label: { key: 'k', fallback: 'N' },
    };
    expect(numberProblem({ ...field, min: 10 }, '9')).toBe('At least 10');
    expect(numberProblem(field, '1e3')).toBeUndefined();
    expect(numberProblem(field, ' ')).toBeUndefined();
  });
});
