import type { BaseUrls } from './baseUrls.ts';
import { DEFAULT_BASE_URLS } from './baseUrls.ts';
import type { Brand, Region } from './regions.ts';

/** Ford's Azure B2C tenant and the FordPass app's client id. */
export const B2C_TENANT = '4566605f-43a7-400a-946e-89cc9fdb0bd7';
export const FORD_CLIENT_ID = '09852200-05fd-41f6-8c21-d36d3497dc64';

/** The app schemes B2C redirects to; what the user pastes starts with one of these. */
export const REDIRECT_URIS: Readonly<Record<Brand, string>> = {
  ford: 'fordapp://userauthorized',
  lincoln: 'lincolnapp://userauthorized',
};

export function policyFor(region: Region): string {
  return `B2C_1A_SignInSignUp_${region.brand === 'lincoln' ? 'Lincoln_' : ''}${region.locale}`;
}

/** The region's real login host, unless the `login` base URL was configured (simulator, proxy). */
export function loginBase(urls: BaseUrls, region: Region): string {
  return urls.login === DEFAULT_BASE_URLS.login ? region.loginBase : urls.login;
}

/** `{login}/{tenant}/{policy}/oauth2/v2.0/<endpoint>` */
export function b2cEndpoint(urls: BaseUrls, region: Region, endpoint: 'authorize' | 'token'): string {
  return `${loginBase(urls, region)}/${B2C_TENANT}/${policyFor(region)}/oauth2/v2.0/${endpoint}`;
}

/** The authorize URL the FordPass app opens, with the flow's S256 challenge. */
export function buildAuthorizeUrl(urls: BaseUrls, region: Region, challenge: string): string {
  const query = new URLSearchParams({
    redirect_uri: REDIRECT_URIS[region.brand],
    response_type: 'code',
    max_age: '3600',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: ` ${FORD_CLIENT_ID} openid`,
    client_id: FORD_CLIENT_ID,
    ui_locales: region.locale,
    language_code: region.locale,
    ford_application_id: region.applicationId,
    country_code: region.countryCode,
  });
  return `${b2cEndpoint(urls, region, 'authorize')}?${query.toString()}`;
}
