import { AccountStore } from './accounts.ts';
import { B2cTransactions } from './b2cSignIn.ts';
import { RequestBudget } from './budget.ts';
import type { SimClock } from './clock.ts';
import { FaultStore } from './faults.ts';
import type { RateLimitShape } from './rateLimit.ts';
import { Stats } from './stats.ts';
import { type TokenLifetimes, TokenStore } from './tokens.ts';
import { VehicleStore } from './vehicles.ts';

export interface SimConfig extends TokenLifetimes {
  requestBudgetPerDay: number;
  /** Simulated seconds from a command's creation to its final state. */
  commandSeconds: number;
  /** A command the car has not finished by then turns EXPIRED (Ford's `expireTime`, create + 90 s). */
  commandExpireSeconds: number;
  /** Status of a successful vehicle list: Ford answers 207; some clients accept only that. */
  vehicleListStatus: 200 | 207;
  /** Status of a rejected CAT refresh (body errorCode "460"): 400 as Ford, 401 as the other variant. */
  refreshRejectStatus: 400 | 401;
  /** `region`: a known id of the account's region group; `known`: any known id; `off`: only present. */
  applicationIdCheck: 'region' | 'known' | 'off';
  rateLimit: RateLimitShape;
  /** The garage endpoint's top level: a bare list, or `{ vehicles: [...] }`. */
  garageShape: 'list' | 'wrapped';
  /** `form`: a plain sign-in form; `b2c`: B2C's SETTINGS/SelfAsserted/confirmed pages ending in a 302. */
  signInPage: 'form' | 'b2c';
}

/** Everything the simulator knows; routes read and change it synchronously, so there are no races. */
export class SimState {
  readonly accounts = new AccountStore();
  readonly vehicles: VehicleStore;
  readonly tokens: TokenStore;
  readonly faults = new FaultStore();
  readonly budget: RequestBudget;
  readonly stats = new Stats();
  readonly b2c = new B2cTransactions();

  constructor(
    readonly config: SimConfig,
    readonly clock: SimClock,
  ) {
    this.vehicles = new VehicleStore({ commandSeconds: config.commandSeconds });
    this.tokens = new TokenStore(clock, config, this.accounts);
    this.budget = new RequestBudget(config.requestBudgetPerDay);
  }

  now(): number {
    return this.clock.now();
  }

  /** Forgets accounts, vehicles, tokens, faults, budget use and stats; the clock keeps its time. */
  reset(): void {
    this.accounts.clear();
    this.vehicles.clear();
    this.tokens.clear();
    this.faults.clear();
    this.budget.clear();
    this.stats.clear();
    this.b2c.clear();
  }
}
