import type { ConfigFlow } from '@configflow/core';
import { createWebSocketInspector } from '@statelyai/inspect';
import type { ActorRefLike, AnyEventObject, InspectionEvent } from 'xstate';
import { type ChartInput, isConfigFlow } from './chartInput.ts';

/** Keys redacted wherever they appear (compared without case, `_` or `-`). */
export const DEFAULT_SECRET_KEYS = [
  'password',
  'token',
  'apiToken',
  'refresh_token',
  'access_token',
  'code_verifier',
  'secret',
] as const;
export const REDACTED = '[redacted]';

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
// Names that end like a secret are secrets too: `clientSecret`, `id_token`, `newPassword`.
const SECRET_SUFFIX = /(password|passwd|secret|token|verifier)$/;

/**
 * Returns a function giving a JSON-safe deep copy of plain data with secret keys redacted (class
 * instances such as actor refs become their class name). A secret
 * string seen under such a key is also scrubbed from every other string (an error message or a
 * URL that echoes it).
 */
export function createRedactor(secretKeys: Iterable<string> = []): (value: unknown) => unknown {
  const exact = new Set([...DEFAULT_SECRET_KEYS, ...secretKeys].map(norm));
  const isSecret = (key: string) => exact.has(norm(key)) || SECRET_SUFFIX.test(norm(key));

  return (value) => {
    const secrets = new Set<string>();
    const collect = (v: unknown, seen: Set<object>) => {
      if (v === null || typeof v !== 'object' || seen.has(v)) return;
      seen.add(v);
      for (const [k, x] of Object.entries(v)) {
        if (isSecret(k) && typeof x === 'string' && x.length >= 4) secrets.add(x);
        else collect(x, seen);
      }
    };
    collect(value, new Set());
    const scrub = (s: string) => {
      let out = s;
      for (const secret of secrets) out = out.split(secret).join(REDACTED);
      return out;
    };
    const copy = (v: unknown, path: Set<object>): unknown => {
      if (typeof v === 'string') return scrub(v);
      if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
      if (typeof v !== 'object') return undefined;
      if (path.has(v)) return '[circular]';
      path.add(v);
      try {
        if (v instanceof Error) return { name: v.name, message: scrub(v.message) };
        if (v instanceof Date) return v.toISOString();
        if (Array.isArray(v)) return v.map((x) => copy(x, path) ?? null);
        // Class instances (actor refs, machines) are live objects, not data: name them only.
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return `[${proto?.constructor?.name ?? 'object'}]`;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const c = isSecret(k) && x !== undefined && x !== null ? REDACTED : copy(x, path);
          if (c !== undefined) out[k] = c;
        }
        return out;
      } finally {
        path.delete(v);
      }
    };
    return copy(value, new Set());
  };
}

/** A sanitised, JSON-safe record of one XState inspection event. */
export interface SanitizedInspectionEvent {
  type: '@xstate.actor' | '@xstate.event' | '@xstate.snapshot' | '@xstate.action';
  sessionId: string;
  rootId: string;
  parentId?: string;
  sourceId?: string;
  event?: unknown;
  snapshot?: unknown;
  action?: unknown;
}

/** The part of a `@statelyai/inspect` inspector this forwards to (`createWebSocketInspector()` etc.). */
export interface StatelyInspectorLike {
  actor(actor: ActorRefLike, snapshot?: object, info?: { parentId?: string; rootId?: string }): void;
  event(actor: ActorRefLike, event: AnyEventObject, info?: { source?: ActorRefLike }): void;
  snapshot(actor: ActorRefLike, snapshot: object, info?: { event?: AnyEventObject }): void;
}

export interface SanitizedInspectorOptions {
  /** Keys to redact besides `DEFAULT_SECRET_KEYS` (e.g. a flow's secret form fields). */
  secretKeys?: Iterable<string>;
  /** A `@statelyai/inspect` inspector to forward to. */
  inspector?: StatelyInspectorLike;
  /** Any other sink: a log, a test, the web UI. */
  send?: (event: SanitizedInspectionEvent) => void;
}

// The parts of a snapshot worth showing; children are actor refs, and `machine` is the definition.
function snapshotData(snapshot: unknown): object {
  const s = (snapshot ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['status', 'value', 'context', 'output', 'error', 'input']) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  return out;
}

// An actor announces itself while it initialises, before it has a snapshot to read; its first
// `@xstate.snapshot` (event `xstate.init`) follows right after.
function initialSnapshot(actorRef: ActorRefLike): unknown {
  try {
    return actorRef.getSnapshot();
  } catch {
    return { status: 'active' };
  }
}

/**
 * An `inspect` callback for `createActor(machine, { inspect })` that redacts secrets from context,
 * events, snapshots and action params before anything leaves the process. It forwards explicit,
 * already-sanitised snapshots: `@statelyai/inspect`'s own `inspect` observer would read the live
 * snapshot later and only sanitises `context`, missing a step actor's `input` and `output`.
 */
export function createSanitizedInspector(opts: SanitizedInspectorOptions): (event: InspectionEvent) => void {
  const redact = createRedactor(opts.secretKeys);
  return (inspection) => {
    const { actorRef, rootId } = inspection;
    const base = { sessionId: actorRef.sessionId, rootId };
    switch (inspection.type) {
      case '@xstate.actor': {
        const snapshot = redact(snapshotData(initialSnapshot(actorRef))) as object;
        const parentId = (actorRef as { _parent?: ActorRefLike })._parent?.sessionId;
        opts.inspector?.actor(actorRef, snapshot, { rootId, ...(parentId ? { parentId } : {}) });
        opts.send?.({ type: inspection.type, ...base, ...(parentId ? { parentId } : {}), snapshot });
        return;
      }
      case '@xstate.event': {
        const event = redact(inspection.event) as AnyEventObject;
        const source = inspection.sourceRef;
        opts.inspector?.event(actorRef, event, source ? { source } : {});
        opts.send?.({
          type: inspection.type,
          ...base,
          ...(source ? { sourceId: source.sessionId } : {}),
          event,
        });
        return;
      }
      case '@xstate.snapshot': {
        const snapshot = redact(snapshotData(inspection.snapshot)) as object;
        const event = redact(inspection.event) as AnyEventObject;
        opts.inspector?.snapshot(actorRef, snapshot, { event });
        opts.send?.({ type: inspection.type, ...base, snapshot, event });
        return;
      }
      case '@xstate.action':
        opts.send?.({ type: inspection.type, ...base, action: redact(inspection.action) });
        return;
      default:
        // Microsteps carry transition objects with functions; the snapshot events cover them.
        return;
    }
  };
}

export interface InspectFlowOptions extends Omit<SanitizedInspectorOptions, 'inspector'> {
  /** Forward to this inspector instead of opening a WebSocket one. */
  inspector?: StatelyInspectorLike & { stop?: () => void };
  /** The `@statelyai/inspect` relay (`npx @statelyai/inspect` server); `ws://localhost:8080` by default. */
  url?: string;
}

export interface FlowInspection {
  /** Pass to `createActor(flow.machine, { inspect })`. */
  inspect: (event: InspectionEvent) => void;
  inspector: StatelyInspectorLike;
  stop(): void;
}

/** Every secret form field a flow (and its options flow) declares. */
export function flowSecretKeys(flow: ConfigFlow): string[] {
  const keys = new Set<string>();
  for (const f of [flow, flow.options]) {
    for (const stepId of Object.keys(f?.steps ?? {})) for (const k of f!.secretFields(stepId)) keys.add(k);
  }
  return [...keys].sort();
}

/**
 * Live inspection of a running flow with Stately's inspector, secrets redacted: the flow's own
 * secret fields plus `DEFAULT_SECRET_KEYS` and `secretKeys`. Without an `inspector` it opens
 * `createWebSocketInspector`, whose own `sanitizeContext`/`sanitizeEvent` redact as well.
 */
export function inspectFlow(flow: ChartInput, opts: InspectFlowOptions = {}): FlowInspection {
  const secretKeys = [...(isConfigFlow(flow) ? flowSecretKeys(flow) : []), ...(opts.secretKeys ?? [])];
  const redact = createRedactor(secretKeys);
  const inspector =
    opts.inspector ??
    createWebSocketInspector({
      url: opts.url ?? 'ws://localhost:8080',
      sanitizeContext: (c) => redact(c) as typeof c,
      sanitizeEvent: (e) => redact(e) as typeof e,
    });
  const inspect = createSanitizedInspector({
    secretKeys,
    inspector: inspector as StatelyInspectorLike,
    ...(opts.send ? { send: opts.send } : {}),
  });
  return { inspect, inspector, stop: () => (inspector as { stop?: () => void }).stop?.() };
}
