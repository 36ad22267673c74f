import { randomUUID } from 'node:crypto';
import type { Records } from '../store/store.js';
import type { Prepared, SendResult } from './feedback-relay.js';

/** One feedback request as the app sent (or tried to send) it. Never holds a score. */
export interface SendRecord {
  id: string;
  agent_id: string;
  account_id: string;
  created_at: string;
  updated_at: string;
  status: 'pending' | SendResult['status'];
  type: string;
  question_variant_id: number;
  recipient: string;
  to_user_id: string;
  external_id?: string;
  test: boolean;
  feedback_id?: string;
  reason?: string;
}

/** How many of an agent's requests App Home can show. */
const RECENT_PER_AGENT = 20;

/**
 * Every send is written down before Twitter is called and settled after, so a send is
 * never invisible, and agents can see their own.
 */
export class SendLog {
  constructor(
    private readonly records: Records,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(teamId: string, agentId: string, accountId: string, { request, recipient }: Prepared): Promise<SendRecord> {
    const at = this.now().toISOString();
    const record: SendRecord = {
      id: randomUUID(),
      agent_id: agentId,
      account_id: accountId,
      created_at: at,
      updated_at: at,
      status: 'pending',
      type: request.type,
      question_variant_id: request.question_variant_id,
      recipient: recipient.label,
      to_user_id: request.to_user_id,
      external_id: request.external_id,
      test: request.test,
    };
    await this.records.set({ teamId }, `send-${record.id}`, record);
    const index = (await this.records.get<string[]>({ teamId }, `agent-${agentId}`)) ?? [];
    await this.records.set({ teamId }, `agent-${agentId}`, [record.id, ...index].slice(0, RECENT_PER_AGENT));
    return record;
  }

  async settle(teamId: string, record: SendRecord, result: SendResult): Promise<SendRecord> {
    const settled: SendRecord = {
      ...record,
      status: result.status,
      updated_at: this.now().toISOString(),
      ...(result.status === 'sent' ? { feedback_id: result.feedback.id } : { reason: result.explanation.reason }),
    };
    await this.records.set({ teamId }, `send-${record.id}`, settled);
    return settled;
  }

  async recent(teamId: string, agentId: string, limit = 10): Promise<SendRecord[]> {
    const ids = ((await this.records.get<string[]>({ teamId }, `agent-${agentId}`)) ?? []).slice(0, limit);
    const found = await Promise.all(ids.map((id) => this.records.get<SendRecord>({ teamId }, `send-${id}`)));
    return found.filter((r): r is SendRecord => r !== undefined);
  }
}
