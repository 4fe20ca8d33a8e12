/** The one NOTIFY channel of a configflow cluster. */
export const CHANNEL = 'configflow';

/**
 * What one instance tells the others. Payloads stay ids (NOTIFY carries at most 8,000 bytes): an entry
 * notice means "re-read this row"; a flow notice points at the event's row in configflow_events.
 */
export type Notice =
  | { kind: 'entry'; id: string; from: string }
  | { kind: 'flow'; event: number; from: string };
