/** Ford's Azure B2C tenant id; the only tenant segment the simulator serves. */
export const B2C_TENANT = '4566605f-43a7-400a-946e-89cc9fdb0bd7';

/** The FordPass app's B2C client id. */
export const FORD_CLIENT_ID = '09852200-05fd-41f6-8c21-d36d3497dc64';

/** The Autonomic token-exchange constants the FordPass app sends. */
export const AUTONOMIC_CLIENT_ID = 'fordpass-prod';
export const AUTONOMIC_SUBJECT_ISSUER = 'fordpass';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** Application-Id header values per region group (from the FordPass app). */
export const APPLICATION_IDS = {
  europe: '667D773E-1BDC-4139-8AD0-2B16474E8DC7',
  north_america: 'BFE8C5ED-D687-4C19-A5DD-F92CDFC4503A',
  asia_pacific: '39CD6590-B1B9-42CB-BEF9-0DC1FDB96260',
  africa: '71AA9ED7-B26B-4C15-835E-9F35CC238561',
  south_america: 'C1DFFEF5-5BA5-486A-9054-8B39A9DF9AFC',
  lincoln: '45133B88-0671-4AAF-B8D1-99E684ED4E45',
} as const;

type AppGroup = keyof typeof APPLICATION_IDS;

/**
 * The Application-Id group of each FordPass region key (marq24's `const.py`). Ford wants the id of the
 * country the account was registered in; an id of another group is refused like an unknown one.
 */
const REGION_GROUPS: Readonly<Record<string, AppGroup>> = {
  ...Object.fromEntries(
    ['deu', 'aut', 'che', 'fra', 'bel', 'nld', 'gbr', 'irl', 'ita', 'esp', 'prt', 'dnk', 'fin', 'nor']
      .concat(['swe', 'pol', 'rest_of_europe', 'lux', 'cze', 'grc', 'hun', 'rou'])
      .map((key) => [key, 'europe' as const]),
  ),
  usa: 'north_america',
  can: 'north_america',
  mex: 'north_america',
  rest_of_world: 'north_america',
  aus: 'asia_pacific',
  nzl: 'asia_pacific',
  zaf: 'africa',
  bra: 'south_america',
  arg: 'south_america',
  lincoln_usa: 'lincoln',
};

/** The Application-Id an account of `region` must send; undefined for a region key we do not know. */
export function applicationIdFor(region: string): string | undefined {
  const group = REGION_GROUPS[region];
  return group ? APPLICATION_IDS[group] : undefined;
}

export function isKnownApplicationId(id: string): boolean {
  return Object.values(APPLICATION_IDS).some((known) => known.toUpperCase() === id.toUpperCase());
}

export const REDIRECT_URIS = ['fordapp://userauthorized', 'lincolnapp://userauthorized'] as const;

export const SECONDS_PER_DAY = 86_400;
