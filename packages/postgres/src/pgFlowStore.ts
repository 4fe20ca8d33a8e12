import type { FlowRecord, FlowStore } from '@configflow/core';
import type pg from 'pg';

/** Flows in progress as rows, so a flow started on one instance can be continued on another. */
export class PgFlowStore implements FlowStore {
  readonly durable = true;
  constructor(private readonly pool: pg.Pool) {}

  async loadAll(): Promise<FlowRecord[]> {
    const { rows } = await this.pool.query<{ body: FlowRecord }>('SELECT body FROM configflow_flows');
    return rows.map((r) => r.body);
  }
  async get(flowId: string): Promise<FlowRecord | undefined> {
    const { rows } = await this.pool.query<{ body: FlowRecord }>(
      'SELECT body FROM configflow_flows WHERE flow_id = $1',
      [flowId],
    );
    return rows[0]?.body;
  }
  async put(record: FlowRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO configflow_flows (flow_id, body) VALUES ($1, $2)
       ON CONFLICT (flow_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
      [record.flowId, record],
    );
  }
  async delete(flowId: string): Promise<void> {
    await this.pool.query('DELETE FROM configflow_flows WHERE flow_id = $1', [flowId]);
  }
}
