import { describe, expect, it } from 'vitest';
import {
  assertTranslations,
  checkTranslations,
  type Strings,
  TranslationProblems,
  type TranslationSpec,
} from '../src/index.ts';

const spec: TranslationSpec = {
  steps: [
    { stepId: 'user', fields: ['tokenstr', 'region'], placeholders: ['brand'] },
    { stepId: 'pick', menuOptions: ['cloud', 'local'] },
  ],
  errors: ['cannot_connect', 'invalid_auth'],
  aborts: ['already_configured'],
  progressActions: ['wait_for_token'],
};

const complete = (): Strings => ({
  en: {
    config: {
      step: {
        user: {
          title: 'Sign in to {brand}',
          data: { tokenstr: 'Token', region: 'Region' },
          data_description: { tokenstr: 'From the app', region: 'Where the account lives' },
        },
        pick: { title: 'Connection', menu_options: { cloud: 'Cloud', local: 'Local' } },
      },
      error: { cannot_connect: 'Cannot connect', invalid_auth: 'Invalid token' },
      abort: { already_configured: 'Already configured' },
      progress: { wait_for_token: 'Waiting' },
    },
  },
  de: { config: { step: { user: { title: 'Bei {brand} anmelden' } } } },
});

describe('checkTranslations()', () => {
  it('finds nothing wrong in complete strings (missing non-en texts fall back to en)', () => {
    expect(checkTranslations(complete(), spec)).toEqual([]);
    expect(() => assertTranslations(complete(), spec)).not.toThrow();
  });

  it('reports every missing step title, field label, menu option, error, abort and progress text', () => {
    const strings = complete();
    const cfg = strings.en?.config as NonNullable<NonNullable<Strings[string]>['config']>;
    delete cfg.step?.pick?.title;
    delete cfg.step?.user?.data?.region;
    delete cfg.step?.pick?.menu_options?.local;
    delete cfg.error?.invalid_auth;
    delete cfg.abort?.already_configured;
    delete cfg.progress?.wait_for_token;
    const problems = checkTranslations(strings, spec);
    expect(problems.map((p) => [p.problem, p.key])).toEqual([
      ['missing', 'config.step.user.data.region'],
      ['missing', 'config.step.pick.title'],
      ['missing', 'config.step.pick.menu_options.local'],
      ['missing', 'config.error.invalid_auth'],
      ['missing', 'config.abort.already_configured'],
      ['missing', 'config.progress.wait_for_token'],
    ]);
  });

  it('checks placeholders: undeclared in any locale, declared but unused in en', () => {
    const strings = complete();
    (strings.de as any).config.step.user.title = 'Bei {marke} anmelden';
    (strings.en as any).config.step.user.data_description.tokenstr = 'Open {app}';
    const problems = checkTranslations(strings, {
      ...spec,
      steps: [{ stepId: 'user', fields: ['tokenstr', 'region'], placeholders: ['brand', 'unused'] }],
    });
    expect(problems.map((p) => [p.problem, p.locale, p.key, p.placeholder])).toEqual([
      ['undeclared_placeholder', 'en', 'config.step.user.data_description.tokenstr', 'app'],
      ['unused_placeholder', 'en', 'config.step.user.description', 'unused'],
      ['undeclared_placeholder', 'de', 'config.step.user.title', 'marke'],
    ]);
  });

  it('checks the options tree for an options flow and can require field descriptions', () => {
    const strings: Strings = {
      en: { options: { step: { init: { title: 'Options', data: { interval: 'Interval' } } } } },
    };
    const optionsSpec: TranslationSpec = {
      kind: 'options',
      steps: [{ stepId: 'init', fields: ['interval'] }],
      errors: [],
      aborts: [],
    };
    expect(checkTranslations(strings, optionsSpec)).toEqual([]);
    expect(
      checkTranslations(strings, { ...optionsSpec, requireFieldDescriptions: true }).map((p) => p.key),
    ).toEqual(['options.step.init.data_description.interval']);
    expect(checkTranslations({}, optionsSpec).map((p) => p.key)).toEqual([
      'options.step.init.title',
      'options.step.init.data.interval',
    ]);
  });

  it('assertTranslations throws the full list', () => {
    const strings = complete();
    delete (strings.en as any).config.error;
    let thrown: unknown;
    try {
      assertTranslations(strings, spec);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TranslationProblems);
    const err = thrown as TranslationProblems;
    expect(err.problems).toHaveLength(2);
    expect(err.message).toContain('missing error "cannot_connect": config.error.cannot_connect');
    expect(err.message).toContain('missing error "invalid_auth": config.error.invalid_auth');
  });
});
