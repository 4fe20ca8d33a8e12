import type { z } from 'zod';
import type { ConfigEntry } from './configEntry.ts';
import type { Outcome } from './outcome.ts';
import type { Json, JsonObject, Source } from './types.ts';

export type StepKind = 'form' | 'menu' | 'progress' | 'external' | 'decide';

/** Context for rendering a step (Home Assistant calls the step with `user_input=None`). */
export interface RenderApi<C> {
  readonly flowId: string;
  readonly handler: string;
  readonly source: Source;
  readonly stepId: string;
  readonly context: Readonly<C>;
  readonly initData: Json | undefined;
  /** The entry a reauth, reconfigure or options flow is about. */
  readonly entry: ConfigEntry | undefined;
}

/** What a render hook may add: placeholders for the text and pre-fill values (never used for secrets). */
export interface RenderInfo {
  placeholders?: Record<string, string>;
  suggested?: Record<string, unknown>;
  /** Choices known only at render time (e.g. the vehicles on an account): the field becomes a select. */
  options?: Record<string, { value: string; label: string }[]>;
}

/** What a step handler gets. `N`: declared next steps (and `create_entry`), `A`: aborts, `E`: error keys. */
export interface StepApi<C, N extends string, A extends string, E extends string> extends RenderApi<C> {
  /** The flow's own JSON context: mutate it freely; it is saved with the flow when the step returns. */
  readonly context: C;
  /**
   * Aborted when a progress step's flow is aborted, expires or its manager stops: the work must stop.
   * A form, external or decide handler always finishes first (a flow's operations are queued), so
   * its signal never fires.
   */
  readonly signal: AbortSignal;
  next(step: Exclude<N, 'create_entry'>): Outcome<N, A, E>;
  createEntry(entry: { title: string; data: JsonObject; options?: JsonObject }): Outcome<N, A, E>;
  abort(reason: A, placeholders?: Record<string, string>): Outcome<N, A, E>;
  /** Re-show this step with error keys (field name or `base`); the user's input is kept. */
  showErrors(
    errors: Partial<Record<string, E | 'unknown'>>,
    placeholders?: Record<string, string>,
  ): Outcome<N, A, E>;
  /** Progress steps: report a fraction 0..1 to subscribers. */
  progress(fraction: number): void;

  // Unique ids (Home Assistant semantics). Aborts are recorded before they are thrown: a catch-all
  // in the step cannot swallow them.
  setUniqueId(uniqueId: string, opts?: { raiseOnProgress?: boolean }): Promise<ConfigEntry | undefined>;
  /**
   * An entry with this flow's unique id exists: merge `updates` into its data, reload it when that
   * changed it and it is loaded or retrying (or when a discovery finds it retrying), and abort with
   * `already_configured` and the given placeholders. An ignored entry never blocks a user's setup.
   */
  abortIfUniqueIdConfigured(opts?: {
    updates?: JsonObject;
    reload?: boolean;
    placeholders?: Record<string, string>;
  }): Promise<void>;
  abortIfUniqueIdMismatch(opts?: { reason?: A }): void;
  /**
   * Aborts with `already_configured` when an entry of this domain (not ignored, not this flow's own)
   * has every given key with an equal value in its data or options; `{}` matches any entry.
   */
  abortIfEntriesMatch(match: JsonObject): Promise<void>;
  /**
   * For discoveries that carry no unique id: aborts with `already_configured` when the domain has
   * an entry, or `already_in_progress` when another flow of the domain is open; otherwise claims
   * `DEFAULT_DISCOVERY_UNIQUE_ID`, which any flow setting a real unique id takes over.
   */
  handleDiscoveryWithoutUniqueId(): Promise<void>;
  /** The entry of this domain with that unique id, if any: a look-up that claims nothing. */
  findEntry(uniqueId: string): Promise<ConfigEntry | undefined>;
  getReauthEntry(): ConfigEntry;
  getReconfigureEntry(): ConfigEntry;
  /** Update the entry, reload it, and end the flow with `reauth_successful`/`reconfigure_successful`. */
  updateReloadAndAbort(entry: ConfigEntry, changes: EntryChanges<A>): Promise<Outcome<N, A, E>>;
}

/**
 * What `updateReloadAndAbort` changes: `data` replaces the entry's data, `dataUpdates` merges into
 * it (never both); `uniqueId` moves the entry to another id (one no other entry of the domain has).
 */
export type EntryChanges<A extends string = string> = (
  | { data: JsonObject; dataUpdates?: never }
  | { data?: never; dataUpdates: JsonObject }
  | { data?: never; dataUpdates?: never }
) & {
  options?: JsonObject;
  title?: string;
  uniqueId?: string | null;
  reason?: A;
  /** Reload even when nothing changed (default true, as Home Assistant); false skips that reload. */
  reloadEvenIfUnchanged?: boolean;
};

interface StepBase<N extends string, A extends string, E extends string> {
  /** Steps this one may go to; `create_entry` to create the entry. */
  next?: readonly N[];
  /** Abort reasons this step may end with. */
  aborts?: readonly A[];
  /** Error keys this step may re-show with. */
  errors?: readonly E[];
  description?: string;
}

export interface FormStep<C, S extends z.ZodObject, N extends string, A extends string, E extends string>
  extends StepBase<N, A, E> {
  kind: 'form';
  schema: S;
  lastStep?: boolean;
  render?: (flow: RenderApi<C>) => RenderInfo | Promise<RenderInfo>;
  // Method syntax on purpose: handlers of any flow fit the heterogeneous step table (`AnyStep`).
  submit(input: z.output<S>, flow: StepApi<C, N, A, E>): Outcome<N, A, E> | Promise<Outcome<N, A, E>>;
}

export interface MenuStep<C, N extends string> {
  kind: 'menu';
  /** The options, each a step id it leads to. */
  options: readonly N[];
  description?: string;
  render?: (flow: RenderApi<C>) => RenderInfo | Promise<RenderInfo>;
}

export interface ProgressStep<C, N extends string, A extends string, E extends string>
  extends StepBase<N, A, E> {
  kind: 'progress';
  /** Translation key for the progress text (`config.progress.<action>`). */
  progressAction: string;
  render?: (flow: RenderApi<C>) => RenderInfo | Promise<RenderInfo>;
  run(flow: StepApi<C, N, A, E>): Outcome<N, A, E> | Promise<Outcome<N, A, E>>;
}

/** A step with no UI: it decides where the flow goes (e.g. skip a menu when there is nothing to choose). */
export interface DecideStep<C, N extends string, A extends string> {
  kind: 'decide';
  next?: readonly N[];
  aborts?: readonly A[];
  description?: string;
  run(flow: StepApi<C, N, A, never>): Outcome<N, A, never> | Promise<Outcome<N, A, never>>;
}

export interface ExternalStep<C, S extends z.ZodObject, N extends string, A extends string, E extends string>
  extends StepBase<N, A, E> {
  kind: 'external';
  /** Where to send the user (a browser sign-in); computed at render time from the flow context. */
  url: (flow: RenderApi<C>) => string;
  /** What the external side reports back (a callback, or a box the user pastes into). */
  schema: S;
  render?: (flow: RenderApi<C>) => RenderInfo | Promise<RenderInfo>;
  // Method syntax on purpose: handlers of any flow fit the heterogeneous step table (`AnyStep`).
  submit(input: z.output<S>, flow: StepApi<C, N, A, E>): Outcome<N, A, E> | Promise<Outcome<N, A, E>>;
}

/** Any step of any flow: the step table is heterogeneous by design. */
export type AnyStep =
  | FormStep<any, any, any, any, any>
  | MenuStep<any, any>
  | ProgressStep<any, any, any, any>
  | ExternalStep<any, any, any, any, any>
  | DecideStep<any, any, any>;

/** Typed step builders, handed to `steps: (s) => ({...})` so every handler sees the flow's context type. */
export interface StepBuilders<C> {
  form<
    S extends z.ZodObject,
    const N extends string = never,
    const A extends string = never,
    const E extends string = never,
  >(step: Omit<FormStep<C, S, N, A, E>, 'kind'>): FormStep<C, S, N, A, E>;
  menu<const N extends string>(step: Omit<MenuStep<C, N>, 'kind'>): MenuStep<C, N>;
  decide<const N extends string = never, const A extends string = never>(
    step: Omit<DecideStep<C, N, A>, 'kind'>,
  ): DecideStep<C, N, A>;
  progress<const N extends string = never, const A extends string = never, const E extends string = never>(
    step: Omit<ProgressStep<C, N, A, E>, 'kind'>,
  ): ProgressStep<C, N, A, E>;
  external<
    S extends z.ZodObject,
    const N extends string = never,
    const A extends string = never,
    const E extends string = never,
  >(step: Omit<ExternalStep<C, S, N, A, E>, 'kind'>): ExternalStep<C, S, N, A, E>;
}

export function stepBuilders<C>(): StepBuilders<C> {
  return {
    form: (step) => ({ kind: 'form', ...step }),
    menu: (step) => ({ kind: 'menu', ...step }),
    decide: (step) => ({ kind: 'decide', ...step }),
    progress: (step) => ({ kind: 'progress', ...step }),
    external: (step) => ({ kind: 'external', ...step }),
  };
}
