import type { Strings } from '@configflow/forms';

const tokenStep = (title: string) => ({
  title,
  description:
    'Open the link, sign in with your Ford account, and when the page keeps loading forever, copy the whole address from the browser (it starts with {scheme}; in the developer tools it is the last request). Paste it below. The code in it works once, for a few minutes.',
  data: { url: 'Address after signing in' },
  data_description: { url: 'The complete address, starting with {scheme}' },
});

const connectionErrors = {
  cannot_connect: 'Could not reach Ford. Try again in a few minutes.',
  rate_limited: 'Ford asks us to slow down for this account. Wait a while and try again.',
  invalid_auth: 'Ford did not accept the sign-in. Sign in again.',
  api_changed: "Ford's service answered in an unexpected way. The integration may need an update.",
  unknown: 'Unexpected error',
};

/** FordPass texts in Home Assistant's strings.json layout. */
export const strings: Strings = {
  en: {
    title: 'FordPass',
    config: {
      flow_title: 'FordPass',
      step: {
        user: { title: 'FordPass' },
        setup_type: {
          title: 'Add a FordPass vehicle',
          description:
            'Add a vehicle of an account that is already signed in, or sign in to another account.',
          menu_options: {
            add_vehicle: 'Add a vehicle of a signed-in account',
            brand: 'Sign in to a new account',
          },
        },
        add_vehicle: {
          title: 'Choose the account',
          description: 'Signed-in accounts: {accounts}. Enter the e-mail of the account.',
          data: { account: 'Account' },
        },
        brand: {
          title: 'Brand',
          description: 'Which app does your account belong to?',
          data: { brand: 'Brand' },
        },
        region: {
          title: 'Region',
          description:
            'Choose the country your {brand} account was registered in. It must match the account: with another region the sign-in works but the vehicle list comes back empty.',
          data: { region: 'Region' },
        },
        token: tokenStep('Sign in to Ford'),
        vehicle: {
          title: 'Choose the vehicle',
          description: 'Vehicles of this account not set up yet: {vehicles}.',
          data: { vin: 'VIN' },
        },
        vin: {
          title: 'Enter the VIN',
          description:
            'Ford did not list the vehicles of this account. Enter the 17-character VIN of the vehicle.',
          data: { vin: 'VIN' },
        },
        reauth_confirm: {
          title: 'Sign in to {name} again',
          description:
            'Ford no longer accepts the stored sign-in for {name}. Sign in again with the same Ford account. The region ({region}) must match the country the account was registered in.',
          data: { region: 'Region' },
        },
        reauth_token: tokenStep('Sign in to Ford again'),
        reconfigure: {
          title: 'Change the region of {name}',
          description: 'The region must match the country the Ford account was registered in.',
          data: { region: 'Region' },
        },
      },
      error: {
        ...connectionErrors,
        url_ellipsis:
          'The address contains "…": the browser shortened it. Copy it from the developer tools (Copy URL) instead of the address bar.',
        url_wrong_scheme:
          'This is not the address Ford sends you to after signing in. It starts with fordapp:// (Lincoln: lincolnapp://).',
        url_missing_code: 'The address has no "code=" part. Copy the whole address after signing in.',
        code_truncated:
          'The code in the address is cut off. Copy the whole address; it is over a thousand characters long.',
        url_pasted_twice:
          'The box holds two different addresses. Clear it and paste only the address from your last sign-in.',
        code_expired:
          'This code was already used or has expired. Open the link again, sign in, and paste the new address.',
        code_mismatch:
          'This code belongs to another sign-in link. Use the link shown here, sign in, and paste the new address.',
        sign_in_rejected: 'Ford rejected the sign-in. Open the link again and sign in.',
        region_brand_mismatch: 'This region belongs to the other brand.',
        region_mismatch:
          'The vehicle is not listed in this region: choose the country the account was registered in.',
        unknown_account: 'No signed-in account has this e-mail.',
        vin_not_on_account: 'This VIN is not on the Ford account.',
        invalid_vin: 'A VIN has 17 letters and digits (no I, O or Q).',
      },
      abort: {
        no_vehicles: 'Every vehicle of this account is already set up.',
        no_filesystem_access:
          'The FordPass token folder cannot be written. Check the permissions of the storage folder.',
        already_configured: 'This vehicle is already set up.',
        already_in_progress: 'This vehicle is already being set up.',
        reauth_successful: 'Signed in again.',
        reauth_not_possible: 'This entry lacks its account or VIN; remove it and add the vehicle again.',
        wrong_account: 'That is another Ford account. Sign in with the account this vehicle was set up with.',
        vehicle_not_on_account: 'The vehicle is no longer on this Ford account.',
        reconfigure_successful: 'Region changed.',
        unknown: 'Unexpected error',
      },
    },
    options: {
      step: {
        init: {
          title: 'FordPass options',
          description:
            'Ford locks accounts that make more than about 250 requests a day; one update can take up to three. Updates are never more frequent than every 5 minutes.',
          data: {
            pollInterval: 'Update interval',
            pressureUnit: 'Tyre pressure unit',
            distanceUnit: 'Distance unit',
          },
          data_description: { pollInterval: 'Seconds between updates (at least 300)' },
        },
      },
      error: { unknown: 'Unexpected error' },
      abort: {},
    },
  },
};
