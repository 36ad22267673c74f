import type { KnownBlock, SectionBlock } from '@slack/types';
import { truncateMrkdwn } from './text.js';

/** Slack's limit on a section's text. */
const SECTION_TEXT_MAX = 3000;

/** A section of mrkdwn, cut to fit: the caller escapes whatever foreign text it holds. */
export function section(text: string, blockId: string, accessory?: SectionBlock['accessory']): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: truncateMrkdwn(text, SECTION_TEXT_MAX) },
    ...(accessory ? { accessory } : {}),
  };
}
