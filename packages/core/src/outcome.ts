import type { FieldErrors, JsonObject } from './types.ts';

/**
 * What a step returns. Every outcome is checked against the step's declared edges, so the statechart
 * shows all the ways a step can go, and an undeclared one is an `UnknownStep` error, never a hang.
 */
export type Outcome<N extends string = string, A extends string = string, E extends string = string> =
  | { type: 'next'; step: N }
  | { type: 'create_entry'; title: string; data: JsonObject; options?: JsonObject; description?: string }
  | { type: 'abort'; reason: A; placeholders?: Record<string, string> }
  | {
      type: 'errors';
      errors: Partial<Record<string, E>> & FieldErrors;
      placeholders?: Record<string, string>;
    };

/** The reserved edge name for creating an entry. */
export const CREATE_ENTRY = 'create_entry';
