import { type DigestNumbers, digestDays, digestDue, digestNumbers } from '../domain/digest.js';
import { dayOf, type Day } from '../domain/results.js';
import { DAY_MS } from '../domain/limits.js';
import type { Store } from '../store/store.js';
import type { AnswerBook } from './answer-book.js';
import { NotPosted } from './not-posted.js';
import type { SettingsSource } from './settings.js';

/** Slack, as far as the digest reaches it. */
export interface DigestMessages {
  /** Throws NotPosted when Slack answered that it posted nothing. */
  post(teamId: string, channel: string, numbers: DigestNumbers): Promise<void>;
}

export interface WeeklyDigestsParts {
  claims: Pick<Store, 'claim' | 'unclaim'>;
  settings: Pick<SettingsSource, 'forWorkspace'>;
  answers: Pick<AnswerBook, 'counters'>;
  /** The workspaces that may have numbers to tell. */
  teams(): Promise<string[]>;
  messages: DigestMessages;
  warn(message: string): void;
  now?: () => Date;
}

/** A week's claim outlives the week. */
const CLAIM_MS = 8 * DAY_MS;

/** The Sunday that starts the week of `day`: a digest moved to another weekday is still posted once that week. */
function weekOf(day: Day): Day {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return dayOf(ms - new Date(ms).getUTCDay() * DAY_MS);
}

/**
 * Each workspace's weekly digest, posted by whichever instance's tick first finds it due,
 * and by no other: the week is claimed in the store before Slack is asked. When Slack
 * answers that it posted nothing, the claim is given back and a later tick tries again;
 * when Slack gives no answer, the claim stays, as the digest may be there already.
 */
export class WeeklyDigests {
  private readonly now: () => Date;

  constructor(private readonly parts: WeeklyDigestsParts) {
    this.now = parts.now ?? (() => new Date());
  }

  async tick(): Promise<void> {
    const at = this.now();
    for (const teamId of await this.parts.teams()) {
      await this.postIfDue(teamId, at).catch((error: Error) =>
        this.parts.warn(`Could not post the weekly digest of ${teamId}: ${error.message}`),
      );
    }
  }

  private async postIfDue(teamId: string, at: Date): Promise<void> {
    const { claims, settings, answers, messages } = this.parts;
    const { digest } = await settings.forWorkspace(teamId);
    const day = digest && digestDue(at, digest);
    if (!digest || !day) return;
    const claim = `digest:${teamId}:${weekOf(day)}`;
    if (!(await claims.claim(claim, CLAIM_MS))) return;
    let numbers: DigestNumbers;
    try {
      numbers = digestNumbers(await answers.counters(teamId, digestDays(day)), day);
    } catch (error) {
      await claims.unclaim(claim);
      throw error;
    }
    try {
      await messages.post(teamId, digest.channel, numbers);
    } catch (error) {
      if (error instanceof NotPosted) await claims.unclaim(claim);
      throw error;
    }
  }
}
