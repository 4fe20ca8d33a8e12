import { type ChartInput, type ChartOptions, chartGraph, machineOf } from './chartInput.ts';

/** JSON values only: what survives `JSON.stringify` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A machine config as Stately's editor and `@statelyai/inspect` take it (`states`, `on`, `always`, ...). */
export interface StatelyConfig {
  id: string;
  initial?: JsonValue;
  states?: { [key: string]: JsonValue };
  [key: string]: JsonValue | undefined;
}

/** Drops what JSON cannot carry (functions: context factories, invoke inputs, inline actions). */
function plain(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(plain).filter((v): v is JsonValue => v !== undefined);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      const p = plain(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return undefined;
}

type Obj = { [key: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The raw machine config (`machine.config`, the shape `@statelyai/inspect` sends), made JSON-safe.
 * Guards stay `{ type, params }`. With `source`, states that source cannot reach are left out, as
 * are transitions into them and the other sources' entry transitions.
 */
export function toStatelyJson(input: ChartInput, opts: ChartOptions = {}): StatelyConfig {
  const machine = machineOf(input, opts);
  const config = plain(machine.config) as Obj;
  const id = typeof config.id === 'string' ? config.id : machine.id;
  if (opts.source === undefined || !isObj(config.states)) return { ...config, id };

  const keep = new Set(
    chartGraph(input, opts)
      .nodes.filter((n) => n.parent === undefined)
      .map((n) => n.key),
  );
  // Which top-level state a transition target names: `#<id>.<key>...` or a sibling key at the top.
  const topKey = (target: string, atTop: boolean): string | undefined => {
    if (target.startsWith(`#${id}.`)) return target.slice(id.length + 2).split('.')[0];
    return atTop ? target.split('.')[0] : undefined;
  };
  const allowed = (t: JsonValue, atTop: boolean): boolean => {
    const spec = typeof t === 'string' ? { target: t } : t;
    if (!isObj(spec)) return true;
    const guard = spec.guard;
    if (isObj(guard) && guard.type === 'fromSource' && isObj(guard.params)) {
      if (guard.params.source !== opts.source) return false;
    }
    const targets = Array.isArray(spec.target) ? spec.target : [spec.target];
    return targets.every((x) => {
      const key = typeof x === 'string' ? topKey(x, atTop) : undefined;
      return key === undefined || keep.has(key);
    });
  };
  const filterList = (v: JsonValue | undefined, atTop: boolean): JsonValue | undefined => {
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    return list.filter((t) => allowed(t, atTop));
  };
  const prune = (state: Obj, atTop: boolean): Obj => {
    const out: Obj = { ...state };
    if (state.always !== undefined) out.always = filterList(state.always, atTop)!;
    if (isObj(state.on)) {
      out.on = Object.fromEntries(Object.entries(state.on).map(([k, v]) => [k, filterList(v, atTop)!]));
    }
    if (state.invoke !== undefined) {
      const invokes = (Array.isArray(state.invoke) ? state.invoke : [state.invoke]).map((inv) => {
        if (!isObj(inv)) return inv;
        const o: Obj = { ...inv };
        if (inv.onDone !== undefined) o.onDone = filterList(inv.onDone, atTop)!;
        if (inv.onError !== undefined) o.onError = filterList(inv.onError, atTop)!;
        return o;
      });
      out.invoke = Array.isArray(state.invoke) ? invokes : invokes[0]!;
    }
    if (isObj(state.states)) {
      out.states = Object.fromEntries(
        Object.entries(state.states).map(([k, v]) => [k, isObj(v) ? prune(v, false) : v]),
      );
    }
    return out;
  };
  const states = Object.fromEntries(
    Object.entries(config.states)
      .filter(([k]) => keep.has(k))
      .map(([k, v]) => [k, isObj(v) ? prune(v, true) : v]),
  );
  return { ...config, id, states };
}
