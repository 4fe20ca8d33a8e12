import type { Outcome } from './outcome.ts';
import type { FieldErrors, Json, JsonObject, Source } from './types.ts';

/**
 * The XState context of a flow. It is exactly what a persisted snapshot holds, so it stays small and
 * JSON-only: optional fields are left out rather than set to undefined.
 */
export interface FlowMachineContext {
  flowId: string;
  source: Source;
  entryId?: string;
  initData?: Json;
  /** The author's own flow context. */
  ctx: Json;
  uniqueId?: string;
  /** Errors and kept input while a step is re-shown. */
  errors?: FieldErrors;
  placeholders?: Record<string, string>;
  input?: JsonObject;
  /** The terminal outcome, read by the manager when the machine reaches a final state. */
  outcome?: Outcome;
  /** An engine error (undeclared edge, crashed step) the manager reports to the caller. */
  failure?: { code: string; message: string };
}

export interface FlowMachineInput {
  flowId: string;
  source: Source;
  entryId?: string;
  initData?: Json;
  ctx: Json;
}

/** What a step actor resolves with: the outcome plus the flow context as the step left it. */
export interface StepOutput {
  outcome: Outcome;
  ctx: Json;
  uniqueId?: string;
  input?: JsonObject;
}

/** The input a step actor is invoked with. */
export interface StepInput {
  context: FlowMachineContext;
  input?: unknown;
}
