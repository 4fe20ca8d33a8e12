import { describe, expect, it } from 'vitest';
import {
  abortKey,
  errorKey,
  fieldHelpKey,
  fieldLabelKey,
  humanize,
  menuOptionKey,
  progressKey,
  type Strings,
  stepTitleKey,
  translate,
} from '../src/index.ts';

const strings: Strings = {
  en: {
    config: {
      step: { user: { title: 'Connect', description: 'Hello {name}, see {url}' } },
      error: { cannot_connect: 'Failed to connect' },
      abort: { already_configured: 'Already configured' },
    },
    options: { step: { init: { title: 'Options' } } },
  },
  de: { config: { error: { cannot_connect: 'Verbindung fehlgeschlagen' } } },
  'de-CH': { config: { error: { cannot_connect: 'Verbindig fählgschlage' } } },
};

describe('translation keys', () => {
  it('follow the strings.json layout of config and options flows', () => {
    expect(stepTitleKey('config', 'user')).toBe('config.step.user.title');
    expect(stepTitleKey('options', 'init')).toBe('options.step.init.title');
    expect(stepTitleKey(undefined, 'user')).toBe('config.step.user.title');
    expect(fieldLabelKey('config', 'user', 'host')).toBe('config.step.user.data.host');
    expect(fieldHelpKey('options', 'init', 'host')).toBe('options.step.init.data_description.host');
    expect(errorKey('config', 'cannot_connect')).toBe('config.error.cannot_connect');
    expect(abortKey('options', 'reauth_successful')).toBe('options.abort.reauth_successful');
    expect(menuOptionKey('config', 'user', 'cloud')).toBe('config.step.user.menu_options.cloud');
    expect(progressKey('config', 'wait_for_device')).toBe('config.progress.wait_for_device');
  });
});

describe('translate()', () => {
  it('looks up locale, then its base language, then en, then the fallback', () => {
    const key = errorKey('config', 'cannot_connect');
    expect(translate(strings, 'de-CH', key, 'x')).toBe('Verbindig fählgschlage');
    expect(translate(strings, 'de-AT', key, 'x')).toBe('Verbindung fehlgeschlagen');
    expect(translate(strings, 'fr', key, 'x')).toBe('Failed to connect');
    expect(translate(strings, 'fr', errorKey('config', 'nope'), 'Fallback text')).toBe('Fallback text');
    expect(translate(undefined, 'en', key, 'Fallback text')).toBe('Fallback text');
  });

  it('substitutes {placeholders} and leaves unknown ones as written', () => {
    expect(
      translate(strings, 'en', 'config.step.user.description', '', { name: 'Ann', url: 'https://x' }),
    ).toBe('Hello Ann, see https://x');
    expect(translate(strings, 'en', 'config.step.user.description', '', { name: 'Ann' })).toBe(
      'Hello Ann, see {url}',
    );
    expect(translate(strings, 'en', 'config.error.x', 'Try {what}', { what: 'again' })).toBe('Try again');
  });

  it('does not resolve inherited or non-string nodes', () => {
    expect(translate(strings, 'en', 'config.step.user', 'fb')).toBe('fb');
    expect(translate(strings, 'en', 'config.step.toString', 'fb')).toBe('fb');
    expect(translate(strings, '__proto__', 'config.error.cannot_connect', 'fb')).toBe('Failed to connect');
  });
});

describe('humanize()', () => {
  it('makes readable fallbacks from field and step names', () => {
    expect(humanize('api_key')).toBe('Api key');
    expect(humanize('apiKey')).toBe('Api key');
    expect(humanize('tokenstr')).toBe('Tokenstr');
    expect(humanize('user')).toBe('User');
  });
});
