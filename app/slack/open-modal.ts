import type { WebClient } from '@slack/web-api';
import type { RawDraft } from '../domain/feedback-request.js';
import { fillMessage } from '../domain/workspace-settings.js';
import type { AccountSummary } from '../store/account-records.js';
import { maySend } from '../services/permissions.js';
import type { WorkspaceSettings } from '../services/settings.js';
import { slackDirectory } from './directory.js';
import type { Services } from './dependencies.js';
import { feedbackModal, formFrom, type FeedbackForm, type ModalContext } from './user-interface/feedback-modal.js';
import { admissionNotice } from './user-interface/admission.js';
import { messageView } from './user-interface/send-outcome.js';

export interface Prefill {
  draft: RawDraft;
  hints?: FeedbackForm['hints'];
}

export interface Opening {
  trigger_id: string;
  team_id: string;
  user_id: string;
  /** What the entry point knows, worked out with the workspace's settings and account at hand. */
  prefill?: (settings: WorkspaceSettings, account: AccountSummary) => Prefill;
  /** The workspace's settings, when the entry point read them already. */
  settings?: WorkspaceSettings;
  context?: Omit<ModalContext, 'team_id' | 'business_name' | 'accounts'>;
}

/** The workspace's defaults under what an entry point gathered: what it gave wins. */
export function withDefaults(draft: RawDraft, settings: WorkspaceSettings, agent?: string): RawDraft {
  const given = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined));
  return {
    type: settings.type,
    question_variant_id: String(settings.question_variant_id),
    message: fillMessage(settings.message, { ticket: draft.external_id, agent }),
    privacy_url: settings.privacy_url,
    display_name: settings.display_name,
    ...given,
  };
}

/** The agent's name as a customer should read it in a DM, for {agent}. */
export async function agentName(client: WebClient, userId: string): Promise<string | undefined> {
  try {
    const { user } = await client.users.info({ user: userId });
    return user?.profile?.display_name || user?.profile?.real_name || user?.real_name || undefined;
  } catch {
    return undefined;
  }
}

/** The one feedback modal, whichever entry point opens it. */
export async function openFeedbackModal(services: Services, client: WebClient, opening: Opening): Promise<void> {
  const open = (view: Parameters<WebClient['views']['open']>[0]['view']) =>
    client.views.open({ trigger_id: opening.trigger_id, view });
  const settings = opening.settings ?? (await services.settings.forWorkspace(opening.team_id));
  if (!(await maySend(settings, opening.user_id, slackDirectory(client, opening.team_id, services.groups)))) {
    const notice = admissionNotice({ kind: 'forbidden' });
    await open(messageView(notice.title, notice.text));
    return;
  }
  const [accounts, agent] = await Promise.all([
    services.accounts.list(opening.team_id),
    settings.message.includes('{agent}') ? agentName(client, opening.user_id) : undefined,
  ]);
  // The one a send without "Send as" goes out as; opening the form needs no tokens.
  const [account] = accounts;
  if (!account) {
    const notice = admissionNotice({ kind: 'no_account' });
    await open(messageView(notice.title, notice.text));
    return;
  }
  const prefill = opening.prefill?.(settings, account) ?? { draft: {} };
  await open(
    feedbackModal(
      { ...formFrom(withDefaults(prefill.draft, settings, agent)), hints: prefill.hints, send_as: account.user_id },
      {
        ...opening.context,
        team_id: opening.team_id,
        business_name: account.name,
        ...(accounts.length > 1
          ? { accounts: accounts.map(({ user_id, screen_name, name }) => ({ user_id, screen_name, name })) }
          : {}),
      },
    ),
  );
}
