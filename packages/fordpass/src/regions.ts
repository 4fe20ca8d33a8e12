/** The two FordPass brands: each has its own app scheme, B2C policy and login host. */
export const BRANDS = ['ford', 'lincoln'] as const;
export type Brand = (typeof BRANDS)[number];

/** Application-Id header values per region group, as the FordPass apps send them. */
export const APPLICATION_IDS = {
  europe: '667D773E-1BDC-4139-8AD0-2B16474E8DC7',
  north_america: 'BFE8C5ED-D687-4C19-A5DD-F92CDFC4503A',
  asia_pacific: '39CD6590-B1B9-42CB-BEF9-0DC1FDB96260',
  africa: '71AA9ED7-B26B-4C15-835E-9F35CC238561',
  south_america: 'C1DFFEF5-5BA5-486A-9054-8B39A9DF9AFC',
  lincoln: '45133B88-0671-4AAF-B8D1-99E684ED4E45',
} as const;
type AppGroup = keyof typeof APPLICATION_IDS;

export interface Region {
  key: string;
  brand: Brand;
  label: string;
  /** B2C locale: the policy suffix and `ui_locales`. */
  locale: string;
  /** ISO 3166 alpha-3, sent as `country_code` and the `countryCode` header. */
  countryCode: string;
  applicationId: string;
  /** The real sign-in host for this region; used unless the `login` base URL is configured. */
  loginBase: string;
}

const FORD_LOGIN = 'https://login.ford.com';

function region(
  key: string,
  label: string,
  locale: string,
  countryCode: string,
  group: AppGroup,
  loginBase = FORD_LOGIN,
  brand: Brand = 'ford',
): Region {
  return { key, brand, label, locale, countryCode, applicationId: APPLICATION_IDS[group], loginBase };
}

/**
 * Ford's regions as the FordPass app knows them. The region must match the country the Ford account
 * was registered in: signing in works either way, but the vehicle list comes back empty otherwise.
 */
export const REGIONS: readonly Region[] = [
  region('deu', 'Germany', 'de-DE', 'DEU', 'europe', 'https://login.ford.de'),
  region('aut', 'Austria', 'de-AT', 'AUT', 'europe'),
  region('che', 'Switzerland', 'de-CH', 'CHE', 'europe'),
  region('fra', 'France', 'fr-FR', 'FRA', 'europe'),
  region('bel', 'Belgium', 'nl-BE', 'BEL', 'europe'),
  region('nld', 'Netherlands', 'nl-NL', 'NLD', 'europe'),
  region('gbr', 'United Kingdom', 'en-GB', 'GBR', 'europe', 'https://login.ford.co.uk'),
  region('irl', 'Ireland', 'en-IE', 'IRL', 'europe'),
  region('ita', 'Italy', 'it-IT', 'ITA', 'europe'),
  region('esp', 'Spain', 'es-ES', 'ESP', 'europe'),
  region('prt', 'Portugal', 'pt-PT', 'PRT', 'europe'),
  region('dnk', 'Denmark', 'da-DK', 'DNK', 'europe'),
  region('fin', 'Finland', 'fi-FI', 'FIN', 'europe'),
  region('nor', 'Norway', 'no-NO', 'NOR', 'europe', 'https://login.ford.no'),
  region('swe', 'Sweden', 'sv-SE', 'SWE', 'europe'),
  region('pol', 'Poland', 'pl-PL', 'POL', 'europe', 'https://login.ford.pl'),
  region('rest_of_europe', 'Other European country', 'en-GB', 'GBR', 'europe'),
  region('usa', 'United States', 'en-US', 'USA', 'north_america'),
  region('can', 'Canada', 'en-CA', 'CAN', 'north_america'),
  region('mex', 'Mexico', 'es-MX', 'MEX', 'north_america'),
  region('aus', 'Australia', 'en-AU', 'AUS', 'asia_pacific'),
  region('nzl', 'New Zealand', 'en-NZ', 'NZL', 'asia_pacific'),
  region('zaf', 'South Africa', 'en-ZA', 'ZAF', 'africa'),
  region('rest_of_world', 'Rest of the world', 'en-US', 'USA', 'north_america'),
  region(
    'lincoln_usa',
    'United States (Lincoln)',
    'en-US',
    'USA',
    'lincoln',
    'https://login.lincoln.com',
    'lincoln',
  ),
];

const BY_KEY = new Map(REGIONS.map((r) => [r.key, r]));

/** Keys older integrations stored; reauth and setup map them instead of refusing the entry. */
export const LEGACY_REGION_KEYS: Readonly<Record<string, string>> = {
  USA: 'usa',
  Canada: 'can',
  Australia: 'aus',
  'UK&Europe': 'rest_of_europe',
  Netherlands: 'nld',
  'North America & Canada': 'usa',
};

export function findRegion(key: string): Region | undefined {
  return BY_KEY.get(LEGACY_REGION_KEYS[key] ?? key);
}

export function regionsFor(brand: Brand): Region[] {
  return REGIONS.filter((r) => r.brand === brand);
}

export const REGION_KEYS = REGIONS.map((r) => r.key) as [string, ...string[]];

export function defaultRegion(brand: Brand): Region {
  return brand === 'lincoln' ? BY_KEY.get('lincoln_usa')! : BY_KEY.get('rest_of_world')!;
}
