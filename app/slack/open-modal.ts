import type { WebClient } from '@slack/web-api';
import type { RawDraft } from '../domain/feedback-request.js';
import type { BusinessAccount } from '../services/feedback-relay.js';
import type { WorkspaceSettings } from '../services/settings.js';
import type { Services } from './services.js';
import { feedbackModal, formFrom, type FeedbackForm, type ModalContext } from './user-interface/feedback-modal.js';
import { NO_ACCOUNT } from './user-interface/notices.js';
import { messageView } from './user-interface/outcome.js';

export interface Prefill {
  draft: RawDraft;
  hints?: FeedbackForm['hints'];
}

export interface Opening {
  trigger_id: string;
  team_id: string;
  /** What the entry point knows, worked out with the workspace's settings and account at hand. */
  prefill?: (settings: WorkspaceSettings, account: BusinessAccount) => Prefill;
  context?: Omit<ModalContext, 'team_id' | 'business_name'>;
}

/** The workspace's defaults under what an entry point gathered: what it gave wins. */
export function withDefaults(draft: RawDraft, settings: WorkspaceSettings): RawDraft {
  const given = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined));
  return {
    type: settings.type,
    question_variant_id: String(settings.question_variant_id),
    message: settings.message,
    privacy_url: settings.privacy_url,
    display_name: settings.display_name,
    ...given,
  };
}

/** The one feedback modal, whichever entry point opens it. */
export async function openFeedbackModal(services: Services, client: WebClient, opening: Opening): Promise<void> {
  const [account, settings] = await Promise.all([
    services.accounts.forWorkspace(opening.team_id),
    services.settings.forWorkspace(opening.team_id),
  ]);
  if (!account) {
    await client.views.open({ trigger_id: opening.trigger_id, view: messageView(NO_ACCOUNT.title, NO_ACCOUNT.text) });
    return;
  }
  const prefill = opening.prefill?.(settings, account) ?? { draft: {} };
  await client.views.open({
    trigger_id: opening.trigger_id,
    view: feedbackModal(
      { ...formFrom(withDefaults(prefill.draft, settings)), hints: prefill.hints },
      { ...opening.context, team_id: opening.team_id, business_name: account.name },
    ),
  });
}
