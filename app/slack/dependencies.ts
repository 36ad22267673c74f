import type { AccountSource } from '../services/account-source.js';
import type { AnswerExport } from '../services/answer-export.js';
import type { RecordKeeping } from '../services/record-keeping.js';
import type { AnswerBook } from '../services/answer-book.js';
import type { HomePages } from '../services/home-pages.js';
import type { ApiKeys } from '../services/api-keys.js';
import type { AutomaticRequests } from '../services/automatic-requests.js';
import type { FeedbackRequests } from '../services/feedback-requests.js';
import type { SendLog } from '../services/send-log.js';
import type { SendResult } from '../services/feedback-relay.js';
import type { PendingConfirmation } from '../services/confirmations.js';
import type { SettingsSource } from '../services/settings.js';
import type { GroupMembers } from '../services/permissions.js';
import type { RespondOptions } from './respond.js';
import type { InstallationKey } from '../store/installations.js';
import type { LowScoreAlerts } from '../services/low-score-alerts.js';

/** What the listeners work with; built once at start-up. */
export interface Services {
  /** A feedback request from start to finish; the listeners only tell its answers. */
  requests: Pick<FeedbackRequests, 'mayStart' | 'admit' | 'sendAgain' | 'send' | 'settleInterrupted'>;
  /** Requests helpdesks and workflows make, under the workspace's policy. */
  automatic: Pick<AutomaticRequests, 'submit' | 'latest'>;
  accounts: AccountSource;
  /** For App Home's recent sends. */
  log: Pick<SendLog, 'recent'>;
  settings: SettingsSource;
  /** Results, for supervisors' App Home. */
  answers: Pick<AnswerBook, 'results'>;
  /** The App Home page each person last chose. */
  homePages: Pick<HomePages, 'shown' | 'show'>;
  /** The workspace's keys for the HTTP API, made and revoked by admins in App Home. */
  apiKeys: Pick<ApiKeys, 'create' | 'list' | 'revoke'>;
  /** User groups' members, as Slack last said (see GroupMembers for how long). */
  groups: GroupMembers;
  /** Tells the agent privately in the channel they started from. */
  respond(responseUrl: string | undefined, result: SendResult, options?: RespondOptions): Promise<boolean>;
  /** Posts a private line of mrkdwn to a command's response_url. */
  say(responseUrl: string | undefined, text: string): Promise<boolean>;
  /** Answers as a CSV file on disk, for supervisors. */
  exports: Pick<AnswerExport, 'write'>;
  /** Erasing everything about one customer, for admins. */
  keeping: Pick<RecordKeeping, 'forget'>;
  /** One-line commands waiting for the agent's Send or Edit. */
  confirmations: {
    save(teamId: string, pending: PendingConfirmation): Promise<string>;
    load(teamId: string, id: string): Promise<PendingConfirmation | undefined>;
  };
  /**
   * A single-use link that starts connecting a Twitter account to the workspace, for the
   * admin who asked; absent without PUBLIC_URL. `workspaceName` is shown on the pages.
   */
  connectLink?(teamId: string, adminId: string, workspaceName?: string): Promise<string>;
  /** Multi-workspace mode only: what an uninstall or a token revocation deletes. */
  installations?: {
    forget(key: InstallationKey): Promise<void>;
    deleteInstallation(key: InstallationKey): Promise<void>;
  };
  /** Low-score alerts' buttons: who follows up, who resolved. */
  alerts?: Pick<LowScoreAlerts, 'act'>;
  /** Tracks work that goes on after Slack was answered, so that shutdown waits for it. */
  finishing<T>(work: Promise<T>): Promise<T>;
}
