import type { Strings } from '@configflow/forms';

/** The hello integration's texts, in Home Assistant's `strings.json` layout. */
export const strings: Strings = {
  en: {
    title: 'Hello device',
    config: {
      step: {
        user: {
          title: 'Connect to your Hello device',
          description: 'Enter the address of the device and an API token from its settings page.',
          data: { host: 'Host', apiToken: 'API token' },
          data_description: {
            host: 'Hostname or IP address of the device',
            apiToken: 'Starts with "hello-"',
          },
        },
        reauth_confirm: {
          title: 'Sign in to {name} again',
          description: 'The API token for {name} stopped working. Enter a new one.',
          data: { apiToken: 'API token' },
          data_description: { apiToken: 'Starts with "hello-"' },
        },
        reconfigure: {
          title: 'Change the address of {name}',
          data: { host: 'Host' },
          data_description: { host: 'Hostname or IP address of the device' },
        },
      },
      error: {
        cannot_connect: 'Cannot connect to the device',
        invalid_auth: 'The API token was rejected',
        unknown: 'Unexpected error',
      },
      abort: {
        already_configured: 'This device is already configured',
        already_in_progress: 'This device is already being set up',
        reauth_successful: 'Signed in again',
        reconfigure_successful: 'Address changed',
        // Reauth (a token of another device) and reconfigure (an address of another device) both end here.
        wrong_account: 'That is another device, not the one this entry was set up for',
      },
    },
    options: {
      step: {
        init: {
          title: 'Hello options',
          data: { scanInterval: 'Polling interval', greeting: 'Greeting' },
          data_description: { scanInterval: 'Seconds between polls', greeting: 'Shown on the device' },
        },
      },
      error: { unknown: 'Unexpected error' },
      abort: {},
    },
  },
};
