import type { WebClient } from '@slack/web-api';
import type { RawDraft } from '../domain/feedback-request.js';
import type { Services } from './services.js';
import { feedbackModal, formFrom, type FeedbackForm, type ModalContext } from './user-interface/feedback-modal.js';
import { NO_ACCOUNT } from './user-interface/notices.js';
import { messageView } from './user-interface/outcome.js';

export interface Opening {
  trigger_id: string;
  team_id: string;
  /** What the entry point already knows; the workspace's defaults fill the rest. */
  prefill?: RawDraft;
  hints?: FeedbackForm['hints'];
  context?: Omit<ModalContext, 'team_id' | 'business_name'>;
}

/** The one feedback modal, whichever entry point opens it. */
export async function openFeedbackModal(services: Services, client: WebClient, opening: Opening): Promise<void> {
  const account = await services.accounts.forWorkspace(opening.team_id);
  if (!account) {
    await client.views.open({ trigger_id: opening.trigger_id, view: messageView(NO_ACCOUNT.title, NO_ACCOUNT.text) });
    return;
  }
  const settings = await services.settings.forWorkspace(opening.team_id);
  const defined = Object.fromEntries(Object.entries(opening.prefill ?? {}).filter(([, v]) => v !== undefined));
  const form = formFrom({
    type: settings.type,
    question_variant_id: String(settings.question_variant_id),
    message: settings.message,
    privacy_url: settings.privacy_url,
    display_name: settings.display_name,
    ...defined,
  });
  await client.views.open({
    trigger_id: opening.trigger_id,
    view: feedbackModal(
      { ...form, hints: opening.hints },
      { ...opening.context, team_id: opening.team_id, business_name: account.name },
    ),
  });
}
