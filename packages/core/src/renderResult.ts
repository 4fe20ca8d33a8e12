import type { FormDescription } from '@configflow/forms';
import type { ConfigEntry } from './configEntry.ts';
import type { ConfigFlow } from './defineConfigFlow.ts';
import type { FlowMachineContext } from './machineContext.ts';
import type { RenderApi } from './steps.ts';
import type { FlowResult, Json, JsonObject } from './types.ts';

/** Builds the result for the step a flow waits at: what a renderer draws. */
export async function renderResult(args: {
  flow: ConfigFlow;
  base: Pick<FlowResult, 'flowId' | 'handler' | 'source' | 'stepId'>;
  stepId: string;
  context: FlowMachineContext;
  entry: ConfigEntry | undefined;
  progress: number | undefined;
}): Promise<FlowResult> {
  const { flow, stepId, context, entry } = args;
  const step = flow.steps[stepId];
  const base = { ...args.base, stepId };
  if (!step) return { ...base, type: 'abort', reason: 'unknown' };
  const api: RenderApi<Json> = {
    flowId: context.flowId,
    handler: flow.domain,
    source: context.source,
    stepId,
    context: context.ctx,
    initData: context.initData,
    entry,
  };
  const info = ('render' in step ? await step.render?.(api) : undefined) ?? {};
  const placeholders: Record<string, string> = {
    // A reauth form always names the entry it is about (Home Assistant does the same).
    ...(entry && context.source !== 'user' ? { name: entry.title } : {}),
    ...info.placeholders,
    ...context.placeholders,
  };
  const withPlaceholders =
    Object.keys(placeholders).length > 0 ? { descriptionPlaceholders: placeholders } : {};
  const withErrors = context.errors ? { errors: context.errors } : {};

  switch (step.kind) {
    case 'menu':
      return { ...base, type: 'menu', menuOptions: [...step.options], ...withPlaceholders };
    case 'decide':
    case 'progress':
      return {
        ...base,
        type: 'progress',
        progressAction: step.kind === 'progress' ? step.progressAction : stepId,
        ...(args.progress !== undefined ? { progress: args.progress } : {}),
        ...withPlaceholders,
      };
    default: {
      const form = flow.form(stepId)!;
      const secrets = flow.secretFields(stepId);
      const stored = (entry?.data ?? {}) as JsonObject;
      // Reauth and reconfigure forms start from the entry's values (the forms layer drops secrets).
      const suggested = {
        ...(entry && context.source !== 'user' && flow.kind === 'config' ? entry.data : {}),
        ...info.suggested,
        ...context.input,
      };
      // Secrets are never sent back: a stored one is shown empty, flagged as having a value.
      const secretsWithValue = [...secrets].filter(
        (name) => stored[name] !== undefined && stored[name] !== '',
      );
      // Only what differs from the cached description is passed: a plain form re-renders for free.
      const described = form.describe({
        ...(Object.keys(suggested).length > 0 ? { suggested } : {}),
        ...(secretsWithValue.length > 0 ? { secretsWithValue } : {}),
        ...(flow.strings ? { strings: flow.strings } : {}),
        ...(Object.keys(placeholders).length > 0 ? { placeholders } : {}),
      });
      const description = info.options ? withOptions(described, info.options) : described;
      if (step.kind === 'external') {
        return {
          ...base,
          type: 'external',
          url: step.url(api),
          form: description,
          ...withErrors,
          ...withPlaceholders,
        };
      }
      return {
        ...base,
        type: 'form',
        form: description,
        ...withErrors,
        ...withPlaceholders,
        ...(step.lastStep !== undefined ? { lastStep: step.lastStep } : {}),
      };
    }
  }
}

/** Overlays render-time choices: a field with options becomes a select of exactly those. */
function withOptions(
  description: FormDescription,
  options: Record<string, { value: string; label: string }[]>,
): FormDescription {
  return {
    ...description,
    fields: description.fields.map((f) =>
      options[f.name]
        ? { ...f, options: options[f.name], widget: f.widget === 'multiselect' ? 'multiselect' : 'select' }
        : f,
    ),
  };
}
