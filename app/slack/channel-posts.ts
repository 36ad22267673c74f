import { ErrorCode, type WebClient } from '@slack/web-api';
import type { AlertContent } from '../domain/alerts.js';
import type { DigestNumbers } from '../domain/digest.js';
import type { AlertMessages } from '../services/low-score-alerts.js';
import { NotPosted } from '../services/not-posted.js';
import type { DigestMessages } from '../services/weekly-digests.js';
import { alertBlocks, alertText } from './user-interface/low-score-alert.js';
import { digestBlocks, digestText } from './user-interface/weekly-digest.js';

/** Outside a Slack request, the client that acts in one workspace. */
export type ClientFor = (teamId: string) => Promise<WebClient>;

/** Errors that are Slack's own answer: the message was not posted (not_in_channel, a rate limit, a refused body). */
const ANSWERED: readonly string[] = [ErrorCode.PlatformError, ErrorCode.RateLimitedError, ErrorCode.HTTPError];

/** `post`, with Slack's refusals told apart from calls whose outcome is not known. */
async function posting<T>(post: () => Promise<T>): Promise<T> {
  try {
    return await post();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code && ANSWERED.includes(code)) throw new NotPosted((error as Error).message);
    throw error;
  }
}

/** The thread's link, or none when Slack cannot give one (the message is gone, the channel is out of reach). */
async function permalink(client: WebClient, content: AlertContent): Promise<string | undefined> {
  if (!content.thread) return undefined;
  const answer = await client.chat
    .getPermalink({ channel: content.thread.channel_id, message_ts: content.thread.thread_ts })
    .catch(() => undefined);
  return answer?.permalink;
}

export function alertMessages(clientFor: ClientFor): AlertMessages {
  return {
    async post(teamId, channel, content) {
      const client = await clientFor(teamId);
      const blocks = alertBlocks(content, await permalink(client, content));
      const answer = await posting(() =>
        client.chat.postMessage({ channel, text: alertText(content), blocks, unfurl_links: false, unfurl_media: false }),
      );
      if (!answer.ts) throw new Error('Slack posted the alert but gave no ts');
      return answer.ts;
    },
    async update(teamId, channel, ts, content) {
      const client = await clientFor(teamId);
      const blocks = alertBlocks(content, await permalink(client, content));
      await client.chat.update({ channel, ts, text: alertText(content), blocks });
    },
  };
}

export function digestMessages(clientFor: ClientFor): DigestMessages {
  return {
    async post(teamId: string, channel: string, numbers: DigestNumbers) {
      const client = await clientFor(teamId);
      await posting(() => client.chat.postMessage({ channel, text: digestText(numbers), blocks: digestBlocks(numbers) }));
    },
  };
}
