/** A translatable text: the key into strings.json plus the text to show when no translation exists. */
export interface Text {
  key: string;
  fallback: string;
  placeholders?: Record<string, string>;
}

/** Which HA flow tree a key lives under: `config`, `options` (or e.g. a subentry type). */
export type FlowKind = 'config' | 'options' | (string & {});

export interface SectionStrings {
  name?: string;
  description?: string;
  data?: Record<string, string>;
  data_description?: Record<string, string>;
}

export interface StepStrings {
  title?: string;
  description?: string;
  data?: Record<string, string>;
  data_description?: Record<string, string>;
  sections?: Record<string, SectionStrings>;
  menu_options?: Record<string, string>;
  menu_option_descriptions?: Record<string, string>;
}

export interface FlowStrings {
  flow_title?: string;
  step?: Record<string, StepStrings>;
  error?: Record<string, string>;
  abort?: Record<string, string>;
  progress?: Record<string, string>;
  create_entry?: Record<string, string>;
}

/** One locale of a Home Assistant style `strings.json`. */
export interface StringTree {
  title?: string;
  config?: FlowStrings;
  options?: FlowStrings;
  [other: string]: unknown;
}

/** Locale -> string tree, e.g. `{ en: {...}, de: {...} }`. `en` is the source language. */
export type Strings = Record<string, StringTree>;

const root = (kind: string | undefined): string => kind ?? 'config';

export const stepTitleKey = (kind: string | undefined, stepId: string): string =>
  `${root(kind)}.step.${stepId}.title`;
export const stepDescriptionKey = (kind: string | undefined, stepId: string): string =>
  `${root(kind)}.step.${stepId}.description`;
export const fieldLabelKey = (kind: string | undefined, stepId: string, field: string): string =>
  `${root(kind)}.step.${stepId}.data.${field}`;
export const fieldHelpKey = (kind: string | undefined, stepId: string, field: string): string =>
  `${root(kind)}.step.${stepId}.data_description.${field}`;
export const sectionNameKey = (kind: string | undefined, stepId: string, section: string): string =>
  `${root(kind)}.step.${stepId}.sections.${section}.name`;
export const menuOptionKey = (kind: string | undefined, stepId: string, option: string): string =>
  `${root(kind)}.step.${stepId}.menu_options.${option}`;
export const errorKey = (kind: string | undefined, key: string): string => `${root(kind)}.error.${key}`;
export const abortKey = (kind: string | undefined, reason: string): string => `${root(kind)}.abort.${reason}`;
export const progressKey = (kind: string | undefined, action: string): string =>
  `${root(kind)}.progress.${action}`;

/** The raw string at a dotted key in one locale, or undefined. Only own properties are followed. */
export function lookup(tree: unknown, key: string): string | undefined {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Locales tried in order: the exact one, its base language (`de-AT` -> `de`), then `en`. */
export function localeChain(locale: string | undefined): string[] {
  const chain: string[] = [];
  for (const l of [locale, locale?.split('-')[0], 'en']) if (l && !chain.includes(l)) chain.push(l);
  return chain;
}

/** Raw (unsubstituted) text for a key, or undefined when no locale in the chain has it. */
export function findString(strings: Strings | undefined, locale: string | undefined, key: string) {
  if (!strings) return undefined;
  for (const l of localeChain(locale)) {
    const hit = Object.hasOwn(strings, l) ? lookup(strings[l], key) : undefined;
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

/** Replaces `{name}` with `placeholders.name`; unknown placeholders are left as written, like HA. */
export function substitute(text: string, placeholders?: Record<string, string>): string {
  if (!placeholders) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(placeholders, name) ? (placeholders[name] as string) : whole,
  );
}

/** Names of the `{placeholders}` a string uses. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1] as string))];
}

/** Looks `key` up in locale -> base language -> `en`, else uses `fallback`, then substitutes placeholders. */
export function translate(
  strings: Strings | undefined,
  locale: string | undefined,
  key: string,
  fallback: string,
  placeholders?: Record<string, string>,
): string {
  return substitute(findString(strings, locale, key) ?? fallback, placeholders);
}

/** `api_key` / `apiKey` -> `Api key`: the last-resort label when neither meta nor strings give one. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
