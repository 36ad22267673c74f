import type { BusinessAccount, FeedbackRelay } from '../services/feedback-relay.js';
import type { SendResult } from '../services/feedback-relay.js';

/** What the listeners work with; built once at start-up. */
export interface Services {
  relay: FeedbackRelay;
  accounts: { forWorkspace(teamId: string): Promise<BusinessAccount | undefined> };
  /** First caller wins: a submission Slack delivers twice is sent once. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Tells the agent in the channel they started from. */
  respond(responseUrl: string | undefined, result: SendResult): Promise<void>;
  defaults: { privacy_url?: string; message: string };
  /** Work that goes on after Slack was answered; shutdown waits for it. */
  finishing<T>(work: Promise<T>): Promise<T>;
}
