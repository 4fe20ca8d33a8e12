import {
  AuthFailed,
  type Clock,
  type ConfigFlow,
  defineConfigFlow,
  type Outcome,
  RateLimited,
  type StepApi,
} from '@configflow/core';
import { z } from 'zod';
import type { AccountSession } from './accountSession.ts';
import { buildAuthorizeUrl, REDIRECT_URIS } from './authorizeUrl.ts';
import { normalizeVin, VIN_PATTERN } from './entryData.ts';
import { DEFAULT_POLL_INTERVAL_S, optionsSchema } from './entryOptions.ts';
import { ApiChanged, ApplicationIdRejected, SignInRejected, VehicleNotAuthorized } from './errors.ts';
import type { FordClient } from './fordClient.ts';
import { parsePastedRedirect } from './pastedUrl.ts';
import { codeChallenge, newCodeVerifier } from './pkce.ts';
import { BRANDS, type Brand, findRegion, REGION_KEYS, REGIONS, type Region } from './regions.ts';
import type { SessionRegistry } from './sessionRegistry.ts';
import { signIn } from './signIn.ts';
import { strings } from './strings.ts';

export const DOMAIN = 'fordpass';

type Vehicle = {
  vin: string;
  label: string;
};

/** The flow's own context: JSON, persisted with the flow (never a token: those go to the token store). */
type FlowContext = {
  brand: Brand | null;
  region: string | null;
  /** One PKCE verifier per flow, made when the flow starts; error re-displays and restarts reuse it. */
  verifier: string;
  challenge: string;
  accountId: string | null;
  /** Vehicles of the account not configured yet, and every VIN on the account. */
  vehicles: Vehicle[];
  accountVins: string[];
};

export interface FlowDeps {
  client: FordClient;
  sessions: SessionRegistry;
  clock: Clock;
  storageDir: string;
}

// `any` step types: these helpers serve several steps with different declared edges.
type AnyStepApi = StepApi<FlowContext, any, any, any>;
type AnyOutcome = Outcome<any, any, any>;

const pasteBox = z.object({
  url: z.string().min(1).max(20_000).meta({ secret: true, widget: 'textarea', autocomplete: 'off' }),
});

const regionField = z
  .enum(REGION_KEYS)
  .meta({ options: REGIONS.map((r) => ({ value: r.key, label: r.label })) });

const TOKEN_ERRORS = [
  'url_ellipsis',
  'url_wrong_scheme',
  'url_missing_code',
  'code_truncated',
  'url_pasted_twice',
  'code_expired',
  'code_mismatch',
  'sign_in_rejected',
  'invalid_auth',
  'cannot_connect',
  'rate_limited',
  'api_changed',
  'region_mismatch',
] as const;

function vehicleLabel(
  details: { VIN: string; nickName?: string | null | undefined },
  profile?: { year?: number | null | undefined; model?: string | null | undefined },
): string {
  if (profile?.model) return `${profile.year ?? ''} ${profile.model}`.trim();
  return details.nickName || details.VIN;
}

function entryTitle(vehicle: Vehicle): string {
  return `${vehicle.label} (…${vehicle.vin.slice(-4)})`;
}

/** The step's region, or undefined when the context lost it (a flow from an older version). */
function regionOf(ctx: FlowContext): Region | undefined {
  return ctx.region ? findRegion(ctx.region) : undefined;
}

/** Runtime errors as error keys on a form; anything else is left to the engine (`unknown`). */
function connectionError(error: unknown): 'rate_limited' | 'invalid_auth' | 'api_changed' | 'cannot_connect' {
  if (error instanceof RateLimited) return 'rate_limited';
  if (error instanceof AuthFailed) return 'invalid_auth';
  if (error instanceof ApiChanged) return 'api_changed';
  return 'cannot_connect';
}

/** B2C's AADB2C rejections and connection failures, as the token step's error keys. */
function signInError(error: unknown): (typeof TOKEN_ERRORS)[number] {
  if (error instanceof SignInRejected) return error.problem;
  // Ford's 432: the Application-Id of the chosen region is not the account's.
  if (error instanceof ApplicationIdRejected) return 'region_mismatch';
  return connectionError(error);
}

export function createFordPassFlow(deps: FlowDeps): ConfigFlow {
  const { client, sessions, clock } = deps;

  /** Pasted URL → checked code → tokens. Errors come back as a key for the paste box. */
  async function tokensFromPaste(flow: AnyStepApi, pasted: string) {
    const region = regionOf(flow.context);
    if (!region) return { ok: false as const, error: 'sign_in_rejected' as const };
    const paste = parsePastedRedirect(pasted, region.brand);
    if (!paste.ok) return { ok: false as const, error: paste.error };
    try {
      return {
        ok: true as const,
        tokens: await signIn(
          client,
          clock,
          region,
          paste.code,
          flow.context.verifier,
          flow.signal,
          (id) => sessions.get(id).budget,
        ),
      };
    } catch (error) {
      return { ok: false as const, error: signInError(error) };
    }
  }

  /** Lists the account's vehicles not configured yet: on to `vehicle`, the manual `vin` step, or `no_vehicles`. */
  async function offerVehicles(flow: AnyStepApi, session: AccountSession): Promise<AnyOutcome> {
    let list: Awaited<ReturnType<AccountSession['vehicles']>>;
    try {
      list = await session.vehicles(flow.signal);
    } catch (error) {
      if (error instanceof RateLimited || error instanceof AuthFailed) {
        return flow.showErrors({ base: connectionError(error) });
      }
      // The list is unavailable (outage, changed shape): the user can still type the VIN.
      return flow.next('vin');
    }
    const profiles = new Map((list.vehicleProfile ?? []).map((p) => [normalizeVin(p.VIN), p]));
    const all = list.userVehicles.vehicleDetails.map((d) => ({
      vin: normalizeVin(d.VIN),
      label: vehicleLabel(d, profiles.get(normalizeVin(d.VIN))),
    }));
    if (all.length === 0) return flow.next('vin');
    const free: Vehicle[] = [];
    for (const vehicle of all) if (!(await flow.findEntry(vehicle.vin))) free.push(vehicle);
    if (free.length === 0) return flow.abort('no_vehicles');
    flow.context.vehicles = free;
    flow.context.accountVins = all.map((v) => v.vin);
    return flow.next('vehicle');
  }

  async function createVehicleEntry(flow: AnyStepApi, vehicle: Vehicle): Promise<AnyOutcome> {
    await flow.setUniqueId(vehicle.vin);
    await flow.abortIfUniqueIdConfigured();
    const region = regionOf(flow.context)!;
    return flow.createEntry({
      title: entryTitle(vehicle),
      data: { vin: vehicle.vin, accountId: flow.context.accountId!, brand: region.brand, region: region.key },
      options: { pollInterval: DEFAULT_POLL_INTERVAL_S, pressureUnit: 'kPa', distanceUnit: 'km' },
    });
  }

  return defineConfigFlow({
    domain: DOMAIN,
    title: 'FordPass',
    version: 1,
    strings,
    context: (): FlowContext => ({
      brand: null,
      region: null,
      verifier: newCodeVerifier(),
      challenge: '',
      accountId: null,
      vehicles: [],
      accountVins: [],
    }),
    sources: { user: 'user', reauth: 'reauth_confirm', reconfigure: 'reconfigure' },
    steps: ({ form, menu, decide, external }) => ({
      // Decides without asking: a menu only when there is a signed-in account to add a vehicle to.
      user: decide({
        next: ['setup_type', 'brand'],
        async run(flow) {
          const accounts = await sessions.storedAccounts();
          return flow.next(accounts.length > 0 ? 'setup_type' : 'brand');
        },
      }),
      setup_type: menu({ options: ['add_vehicle', 'brand'] }),
      add_vehicle: form({
        schema: z.object({ account: z.string().min(1).max(320) }),
        next: ['vehicle', 'vin'],
        aborts: ['no_vehicles'],
        errors: ['unknown_account', 'invalid_auth', 'rate_limited'],
        async render() {
          const accounts = await sessions.storedAccounts();
          return {
            placeholders: { accounts: accounts.map((a) => `${a.label} (${a.region})`).join(', ') },
            suggested: accounts[0] ? { account: accounts[0].label } : {},
          };
        },
        async submit({ account }, flow) {
          const wanted = account.trim().toLowerCase();
          const found = (await sessions.storedAccounts()).find(
            (a) => a.accountId.toLowerCase() === wanted || a.label.toLowerCase() === wanted,
          );
          if (!found) return flow.showErrors({ account: 'unknown_account' });
          flow.context.accountId = found.accountId;
          flow.context.brand = found.brand;
          flow.context.region = found.region;
          return offerVehicles(flow, sessions.get(found.accountId));
        },
      }),
      brand: form({
        schema: z.object({
          brand: z
            .enum(BRANDS)
            .default('ford')
            .meta({
              options: [
                { value: 'ford', label: 'Ford' },
                { value: 'lincoln', label: 'Lincoln' },
              ],
            }),
        }),
        next: ['region'],
        aborts: ['no_filesystem_access'],
        async submit({ brand }, flow) {
          // Tokens must survive restarts and upgrades: refuse now rather than lose them later.
          if (!(await sessions.writable())) return flow.abort('no_filesystem_access');
          flow.context.brand = brand;
          return flow.next('region');
        },
      }),
      region: form({
        schema: z.object({ region: regionField }),
        next: ['token'],
        errors: ['region_brand_mismatch'],
        // No region is suggested: it must be the account's country, which only the user knows.
        render: (flow) => ({
          placeholders: { brand: flow.context.brand === 'lincoln' ? 'Lincoln' : 'Ford' },
        }),
        async submit({ region }, flow) {
          const found = findRegion(region)!;
          if (found.brand !== (flow.context.brand ?? 'ford'))
            return flow.showErrors({ region: 'region_brand_mismatch' });
          flow.context.region = found.key;
          flow.context.challenge = await codeChallenge(flow.context.verifier);
          return flow.next('token');
        },
      }),
      token: external({
        url: (flow) => buildAuthorizeUrl(client.urls, regionOf(flow.context)!, flow.context.challenge),
        schema: pasteBox,
        next: ['vehicle', 'vin'],
        aborts: ['no_vehicles'],
        errors: TOKEN_ERRORS,
        render: (flow) => ({
          placeholders: { scheme: `${REDIRECT_URIS[flow.context.brand ?? 'ford']}/?code=` },
        }),
        async submit({ url }, flow) {
          const result = await tokensFromPaste(flow, url);
          if (!result.ok) return flow.showErrors(fieldFor(result.error));
          const session = sessions.get(result.tokens.accountId);
          await session.replace(result.tokens);
          flow.context.accountId = result.tokens.accountId;
          return offerVehicles(flow, session);
        },
      }),
      vehicle: form({
        schema: z.object({ vin: z.string().min(1).max(32) }),
        next: ['create_entry'],
        aborts: ['already_configured', 'already_in_progress'],
        errors: ['vin_not_on_account'],
        render: (flow) => ({
          placeholders: { vehicles: flow.context.vehicles.map((v) => `${v.label}: ${v.vin}`).join(', ') },
          suggested: flow.context.vehicles[0] ? { vin: flow.context.vehicles[0].vin } : {},
          // The VINs not yet configured, as a select; typing one is still validated against the account.
          options: { vin: flow.context.vehicles.map((v) => ({ value: v.vin, label: v.label })) },
        }),
        async submit({ vin }, flow) {
          const wanted = normalizeVin(vin);
          if (!flow.context.accountVins.includes(wanted))
            return flow.showErrors({ vin: 'vin_not_on_account' });
          const vehicle = flow.context.vehicles.find((v) => v.vin === wanted) ?? {
            vin: wanted,
            label: wanted,
          };
          return createVehicleEntry(flow, vehicle);
        },
      }),
      vin: form({
        schema: z.object({ vin: z.string().min(1).max(32) }),
        next: ['create_entry'],
        aborts: ['already_configured', 'already_in_progress'],
        errors: [
          'invalid_vin',
          'vin_not_on_account',
          'cannot_connect',
          'rate_limited',
          'invalid_auth',
          'api_changed',
        ],
        async submit({ vin }, flow) {
          const wanted = normalizeVin(vin);
          if (!VIN_PATTERN.test(wanted)) return flow.showErrors({ vin: 'invalid_vin' });
          const session = sessions.get(flow.context.accountId!);
          try {
            await session.withAutonomic((token) =>
              client.telemetry(token, wanted, { signal: flow.signal, budget: session.budget }),
            );
          } catch (error) {
            if (error instanceof VehicleNotAuthorized) return flow.showErrors({ vin: 'vin_not_on_account' });
            return flow.showErrors({ base: connectionError(error) });
          }
          return createVehicleEntry(flow, { vin: wanted, label: wanted });
        },
      }),
      reauth_confirm: form({
        schema: z.object({ region: regionField }),
        next: ['reauth_token'],
        aborts: ['reauth_not_possible'],
        errors: ['region_brand_mismatch'],
        render: (flow) => {
          const region = findRegion(String(flow.entry?.data.region ?? ''));
          return {
            suggested: region ? { region: region.key } : {},
            placeholders: { region: region?.label ?? String(flow.entry?.data.region ?? '') },
          };
        },
        async submit({ region }, flow) {
          const entry = flow.getReauthEntry();
          const brand = entry.data.brand === 'lincoln' ? 'lincoln' : 'ford';
          if (typeof entry.data.accountId !== 'string' || typeof entry.data.vin !== 'string') {
            return flow.abort('reauth_not_possible');
          }
          const found = findRegion(region)!;
          if (found.brand !== brand) return flow.showErrors({ region: 'region_brand_mismatch' });
          flow.context.brand = brand;
          flow.context.region = found.key;
          flow.context.accountId = entry.data.accountId;
          flow.context.challenge = await codeChallenge(flow.context.verifier);
          return flow.next('reauth_token');
        },
      }),
      reauth_token: external({
        url: (flow) => buildAuthorizeUrl(client.urls, regionOf(flow.context)!, flow.context.challenge),
        schema: pasteBox,
        aborts: ['reauth_successful', 'wrong_account', 'vehicle_not_on_account'],
        errors: TOKEN_ERRORS,
        render: (flow) => ({
          placeholders: { scheme: `${REDIRECT_URIS[flow.context.brand ?? 'ford']}/?code=` },
        }),
        async submit({ url }, flow) {
          const entry = flow.getReauthEntry();
          const result = await tokensFromPaste(flow, url);
          if (!result.ok) return flow.showErrors(fieldFor(result.error));
          const { tokens } = result;
          // Another Ford account's tokens would silently take over this car's entry: refuse, change nothing.
          if (tokens.accountId !== entry.data.accountId) return flow.abort('wrong_account');
          const region = regionOf(flow.context)!;
          const vin = String(entry.data.vin);
          try {
            const list = await client.vehicles(region, tokens.catAccessToken, {
              signal: flow.signal,
              budget: sessions.get(tokens.accountId).budget,
            });
            const vins = list.userVehicles.vehicleDetails.map((d) => normalizeVin(d.VIN));
            if (!vins.includes(vin)) return flow.abort('vehicle_not_on_account');
          } catch (error) {
            // The sign-in itself is verified (same account); a list we cannot read now must not cost the
            // user another sign-in: setup reports a vehicle that really left as vehicle_not_authorized.
            if (error instanceof RateLimited) return flow.showErrors({ base: 'rate_limited' });
          }
          await sessions.get(tokens.accountId).replace(tokens);
          try {
            // The runtime reloads every entry of the account (accountKey); this one is reloaded here too.
            return await flow.updateReloadAndAbort(entry, { dataUpdates: { region: region.key } });
          } catch {
            // An outage during the reload: the sign-in is verified and saved, and the runtime retries
            // setup on its own schedule. Failing here would make the user sign in again for nothing.
            return flow.abort('reauth_successful');
          }
        },
      }),
      reconfigure: form({
        schema: z.object({ region: regionField }),
        errors: [
          'region_brand_mismatch',
          'region_mismatch',
          'cannot_connect',
          'rate_limited',
          'invalid_auth',
          'api_changed',
        ],
        aborts: ['reconfigure_successful'],
        render: (flow) => ({ suggested: { region: String(flow.entry?.data.region ?? '') } }),
        async submit({ region }, flow) {
          const entry = flow.getReconfigureEntry();
          const found = findRegion(region)!;
          if (found.brand !== entry.data.brand) return flow.showErrors({ region: 'region_brand_mismatch' });
          const session = sessions.get(String(entry.data.accountId));
          try {
            const cat = await session.catAccess(flow.signal);
            const list = await client.vehicles(found, cat, { signal: flow.signal, budget: session.budget });
            const vins = list.userVehicles.vehicleDetails.map((d) => normalizeVin(d.VIN));
            // A region that does not match the account's country answers with an empty garage.
            if (!vins.includes(String(entry.data.vin))) return flow.showErrors({ region: 'region_mismatch' });
          } catch (error) {
            if (error instanceof ApplicationIdRejected) return flow.showErrors({ region: 'region_mismatch' });
            return flow.showErrors({ base: connectionError(error) });
          }
          await session.setRegion(found.key);
          return flow.updateReloadAndAbort(entry, { dataUpdates: { region: found.key } });
        },
      }),
    }),
    options: {
      initial: 'init',
      steps: ({ form }) => ({
        init: form({
          schema: optionsSchema,
          next: ['create_entry'],
          render: (flow) => ({ suggested: flow.entry?.options }),
          submit: (input, flow) => flow.createEntry({ title: '', data: input }),
        }),
      }),
    },
  });
}

/** Paste problems belong to the paste box; connection problems to the whole form. */
function fieldFor(error: (typeof TOKEN_ERRORS)[number]): Record<string, (typeof TOKEN_ERRORS)[number]> {
  const base =
    error === 'cannot_connect' ||
    error === 'rate_limited' ||
    error === 'api_changed' ||
    error === 'invalid_auth';
  return base ? { base: error } : { url: error };
}
