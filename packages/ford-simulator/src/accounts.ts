import { randomUUID } from 'node:crypto';

/** A simulated FordPass account. `subject` is the stable id Ford puts in every token's `sub`. */
export interface Account {
  readonly username: string;
  readonly password: string;
  readonly region: string;
  readonly subject: string;
  readonly createdAt: number;
  /** Bumped by revoke(); tokens remember the generation they were issued under and die when it moves. */
  generation: number;
  /** VINs this account may read and command, in the order the vehicle list shows them. */
  vins: string[];
}

export interface NewAccount {
  username: string;
  password: string;
  region: string;
  subject?: string;
  vins: string[];
  createdAt: number;
}

export class AccountConflictError extends Error {}

/** Accounts keyed by case-insensitive username, as Ford treats e-mail sign-in names. */
export class AccountStore {
  readonly #byKey = new Map<string, Account>();

  static key(username: string): string {
    return username.trim().toLowerCase();
  }

  create(input: NewAccount): Account {
    const key = AccountStore.key(input.username);
    if (this.#byKey.has(key)) throw new AccountConflictError(`account ${input.username} already exists`);
    const account: Account = {
      username: input.username.trim(),
      password: input.password,
      region: input.region,
      subject: input.subject ?? randomUUID(),
      createdAt: input.createdAt,
      generation: 0,
      vins: [...new Set(input.vins)],
    };
    this.#byKey.set(key, account);
    return account;
  }

  get(username: string): Account | undefined {
    return this.#byKey.get(AccountStore.key(username));
  }

  /** The account if the password matches; undefined for an unknown user or a wrong password alike. */
  verify(username: string, password: string): Account | undefined {
    const account = this.get(username);
    return account && account.password === password ? account : undefined;
  }

  /** Kills every token issued so far, as a password change at Ford does. */
  revoke(username: string): Account | undefined {
    const account = this.get(username);
    if (account) account.generation += 1;
    return account;
  }

  delete(username: string): boolean {
    return this.#byKey.delete(AccountStore.key(username));
  }

  list(): Account[] {
    return [...this.#byKey.values()];
  }

  clear(): void {
    this.#byKey.clear();
  }
}
