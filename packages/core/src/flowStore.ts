import { CoalescingWriter, readJsonFile } from './atomicFile.ts';
import type { Json, Source } from './types.ts';

/** One in-progress flow as stored: its XState persisted snapshot plus what the manager indexes. */
export interface FlowRecord {
  flowId: string;
  handler: string;
  kind: 'config' | 'options';
  /** The flow definition's version: a snapshot of another version is not resumed. */
  version: number;
  source: Source;
  stepId: string;
  entryId?: string;
  uniqueId?: string;
  /** What the flow was started with (a discovery's payload): flows can be found by it. */
  initData?: Json;
  /** `JSON.stringify(actor.getPersistedSnapshot())`. */
  snapshot: string;
  updatedAt: number;
  /** When the flow was started (epoch ms); absent in records stored before it was kept. */
  startedAt?: number;
}

/**
 * Where in-progress flows are kept between steps and across restarts. Async so a shared database
 * can stand behind it; `durable: false` lets the manager skip serialising every step.
 */
export interface FlowStore {
  readonly durable: boolean;
  loadAll(): Promise<FlowRecord[]>;
  get(flowId: string): Promise<FlowRecord | undefined>;
  put(record: FlowRecord): Promise<void>;
  delete(flowId: string): Promise<void>;
  flush?(): Promise<void>;
  /**
   * A store several instances share: runs one operation of a flow (a step, a read, an abort, a
   * removal) under a lock on that flow across instances. `current(held)` tells whether the record this
   * instance holds is still the stored one; when it is not, the manager re-reads the flow first.
   * Absent (a store of one process), the manager's in-memory queue per flow is the only lock.
   */
  exclusive?<T>(
    flowId: string,
    fn: (current: (held: FlowRecord | undefined) => boolean) => Promise<T>,
  ): Promise<T>;
  /**
   * A store several instances share: takes (or keeps) the right to run the flow's progress work on
   * this instance; false when another live instance holds it. `onLost` runs if another instance takes
   * it over later (this one stopped renewing it in time).
   */
  claimWork?(flowId: string, onLost: () => void): Promise<boolean>;
  /** Gives that right back: the work ended here, or this instance stops. */
  releaseWork?(flowId: string): Promise<void>;
  /**
   * A store several instances share: records that this flow claims `uniqueId` (in place of any
   * earlier claim of it) and resolves to whether a flow of the same handler on another instance, not
   * a reauth flow, claims it too (Home Assistant's `already_in_progress`, across servers).
   */
  claimUniqueId?(
    flow: { flowId: string; handler: string; source: string },
    uniqueId: string,
  ): Promise<boolean>;
}

/** The default: flows live in this process only. */
export class MemoryFlowStore implements FlowStore {
  readonly durable: boolean = false;
  protected readonly records = new Map<string, FlowRecord>();

  async loadAll(): Promise<FlowRecord[]> {
    return [...this.records.values()];
  }
  async get(flowId: string): Promise<FlowRecord | undefined> {
    return this.records.get(flowId);
  }
  async put(record: FlowRecord): Promise<void> {
    this.records.set(record.flowId, record);
  }
  async delete(flowId: string): Promise<void> {
    this.records.delete(flowId);
  }
}

const FLOW_STORE_VERSION = 1;

/**
 * Flows in one JSON file, rewritten atomically after every change. Writes are behind the step: a user
 * waits for the engine, not for an fsync (bursts coalesce into one write); `flush()` waits for the disk
 * and reports a failed write. Entries, which matter more, are written before a change returns.
 */
export class JsonFileFlowStore extends MemoryFlowStore {
  override readonly durable = true;
  private readonly writer: CoalescingWriter;
  private loaded = false;
  private failure: unknown;

  private readonly log: (line: string) => void;

  /** `log` hears of every failed write as it happens (default: stderr), not only at the next `flush`. */
  constructor(
    readonly path: string,
    opts: { log?: (line: string) => void } = {},
  ) {
    super();
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.writer = new CoalescingWriter(path, () =>
      JSON.stringify({ version: FLOW_STORE_VERSION, flows: [...this.records.values()] }),
    );
  }

  override async loadAll(): Promise<FlowRecord[]> {
    if (!this.loaded) {
      const file = (await readJsonFile(this.path)) as { version?: number; flows?: FlowRecord[] } | undefined;
      if (file && file.version !== FLOW_STORE_VERSION) {
        throw new Error(`${this.path}: flow store version ${file.version} is not supported`);
      }
      for (const record of file?.flows ?? []) this.records.set(record.flowId, record);
      this.loaded = true;
    }
    return super.loadAll();
  }
  override async put(record: FlowRecord): Promise<void> {
    await super.put({ ...record });
    this.writeBehind();
  }
  override async delete(flowId: string): Promise<void> {
    if (!this.records.has(flowId)) return;
    await super.delete(flowId);
    this.writeBehind();
  }
  async flush(): Promise<void> {
    await this.writer.flush();
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  private writeBehind(): void {
    this.writer.request().then(
      // A later write that succeeds carries every record: an earlier failure is healed.
      () => {
        this.failure = undefined;
      },
      (error: unknown) => {
        // Requests coalesced into one failed write share its error: log it once.
        if (this.failure === error) return;
        this.failure = error;
        const why = error instanceof Error ? error.message : String(error);
        this.log(`configflow: writing ${this.path} failed: ${why}`);
      },
    );
  }
}
