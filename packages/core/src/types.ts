/** JSON values: flow context, entry data and persisted snapshots stay JSON so they survive a restart. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Where a flow came from; the source picks the initial step (Home Assistant's `context.source`). */
export type Source = 'user' | 'reauth' | 'reconfigure' | 'import' | 'discovery' | 'ignore' | 'options';
export const SOURCES: readonly Source[] = [
  'user',
  'reauth',
  'reconfigure',
  'import',
  'discovery',
  'ignore',
  'options',
];

export type ResultType =
  | 'form'
  | 'menu'
  | 'progress'
  | 'progress_done'
  | 'external'
  | 'external_done'
  | 'create_entry'
  | 'abort';

/** Per-field error keys (translation keys, not prose), `base` for the whole form. */
export type FieldErrors = Record<string, string>;

/** What `init`/`configure` return: a plain JSON object, camelCase, in Home Assistant's shape. */
export interface FlowResult {
  type: ResultType;
  flowId: string;
  handler: string;
  source: Source;
  stepId: string;
  form?: unknown;
  errors?: FieldErrors;
  descriptionPlaceholders?: Record<string, string>;
  lastStep?: boolean;
  menuOptions?: string[];
  url?: string;
  progressAction?: string;
  progress?: number;
  reason?: string;
  title?: string;
  entry?: EntrySummary;
}

/** The public face of a config entry as a flow result carries it: never its data (secrets live there). */
export interface EntrySummary {
  entryId: string;
  domain: string;
  title: string;
  uniqueId: string | null;
  source: Source;
}
