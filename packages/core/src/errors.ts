import type { FieldErrors } from './types.ts';

/** Base class: every error the engine throws on purpose is a `FlowError` with a stable `code`. */
export class FlowError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnknownHandler extends FlowError {
  constructor(readonly handler: string) {
    super('unknown_handler', `No config flow is registered for "${handler}"`);
  }
}

/** A flow id that never existed, has ended, or expired. */
export class UnknownFlow extends FlowError {
  constructor(readonly flowId: string) {
    super('unknown_flow', `Flow ${flowId} is not in progress (unknown, finished or expired)`);
  }
}

/** A step went somewhere it did not declare (Home Assistant's UnknownStep). The flow is removed. */
export class UnknownStep extends FlowError {
  constructor(
    readonly handler: string,
    readonly stepId: string,
    readonly detail: string,
  ) {
    super('unknown_step', `Flow "${handler}" step "${stepId}": ${detail}`);
  }
}

/** The flow definition itself is wrong; thrown by `defineConfigFlow`. */
export class FlowDefinitionError extends FlowError {
  constructor(
    readonly domain: string,
    readonly problems: string[],
  ) {
    super('invalid_flow_definition', `Config flow "${domain}" is invalid:\n- ${problems.join('\n- ')}`);
  }
}

/** Input failed the step's schema: nothing changed, the handler never ran (HTTP 400). */
export class InvalidInput extends FlowError {
  constructor(readonly errors: FieldErrors) {
    super(
      'invalid_input',
      `Invalid input: ${Object.entries(errors)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
}

/** The source has no entry step in this flow (e.g. `reconfigure` on a flow that has none). */
export class UnsupportedSource extends FlowError {
  constructor(
    readonly handler: string,
    readonly source: string,
  ) {
    super('unsupported_source', `Flow "${handler}" has no step for source "${source}"`);
  }
}

/**
 * Ends the flow with an abort. Framework helpers throw it, but the abort is also recorded on the step
 * before the throw, so an author's catch-all cannot swallow it (a Home Assistant bug).
 */
export class AbortFlow extends FlowError {
  constructor(
    readonly reason: string,
    readonly placeholders?: Record<string, string>,
  ) {
    super('abort', `Flow aborted: ${reason}`);
  }
}

/** Starting one more flow would pass a cap on flows in progress (overall or for the handler). */
export class TooManyFlows extends FlowError {
  constructor(
    readonly limit: number,
    readonly handler?: string,
  ) {
    super(
      'too_many_flows',
      handler === undefined
        ? `${limit} flows are in progress already: finish or abort some first`
        : `${limit} "${handler}" flows are in progress already: finish or abort some first`,
    );
  }
}

/** A flow's start `data` is larger or deeper than the manager accepts; nothing was created. */
export class InvalidFlowData extends FlowError {
  constructor(detail: string) {
    super('invalid_data', `The flow's data ${detail}`);
  }
}
