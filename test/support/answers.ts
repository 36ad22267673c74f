import type { AnswerEvent } from '../../app/domain/answers.js';
import type { AnswerSink } from '../../app/services/answer-sink.js';
import type { AccountSource } from '../../app/services/account-source.js';
import { BUSINESS, TOKENS } from './twitter-client.js';

/** A sink that keeps every event it is given, in order. */
export class RecordingSink implements AnswerSink {
  readonly events: AnswerEvent[] = [];

  async record(event: AnswerEvent): Promise<void> {
    this.events.push(event);
  }

  /** The distinct (card, updated_at) readings recorded: what a merge would count. */
  readings(): string[] {
    return [...new Set(this.events.map((e) => `${e.feedback_id}@${e.updated_at}`))].sort();
  }
}

/** Accounts as the simulator's business is connected in each of `teams`. */
export function connectedIn(...teams: string[]): Pick<AccountSource, 'forWorkspace' | 'list'> {
  const account = { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name, name: BUSINESS.name, tokens: TOKENS };
  return {
    forWorkspace: async (teamId, userId) =>
      teams.includes(teamId) && (userId === undefined || userId === account.user_id) ? account : undefined,
    list: async (teamId) =>
      teams.includes(teamId)
        ? [
            {
              user_id: account.user_id,
              screen_name: account.screen_name,
              name: account.name,
              added_at: '',
              needs_reconnect: false,
            },
          ]
        : [],
  };
}
