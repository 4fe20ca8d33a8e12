import type { FlowEvent, FlowManager, FlowResult } from '@configflow/core';

/**
 * The manager's events for the flow the terminal drives, buffered from before the flow starts:
 * a progress step can finish within a microtask of `configure` returning, before anyone waits.
 */
export class FlowEvents {
  private readonly queue: FlowEvent[] = [];
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;
  private flowId: string | undefined;

  constructor(
    manager: FlowManager,
    private readonly handler: string,
  ) {
    this.unsubscribe = manager.subscribe((event) => {
      if (event.handler !== this.handler) return;
      if (this.flowId !== undefined && event.flowId !== this.flowId) return;
      this.queue.push(event);
      this.wake?.();
    });
  }

  /**
   * Marks `result` (returned by init/configure) as seen: the events up to the one that carried it
   * are history. A result that no event carried (a re-render) makes the whole buffer history.
   */
  seen(result: FlowResult): void {
    this.flowId = result.flowId;
    const at = this.queue.findLastIndex((e) => e.result === result);
    this.queue.splice(0, at >= 0 ? at + 1 : this.queue.length);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.flowId !== result.flowId) this.queue.splice(i, 1);
    }
  }

  /** The next event of the flow; rejects when `signal` aborts first. */
  async next(signal?: AbortSignal): Promise<FlowEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event) return event;
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** How the flow ended, when another party ended it (an abort for a duplicate, an expiry). */
  ended(): FlowResult | undefined {
    return this.queue.find((e) => e.type === 'ended')?.result;
  }

  close(): void {
    this.unsubscribe();
    this.wake?.();
  }
}
