import type { FieldErrors } from '../../domain/feedback-request.js';
import type { Refused } from '../../services/feedback-requests.js';
import { NOT_ALLOWED, NO_ACCOUNT } from './notices.js';

/** What the agent is told when a request is not let through, wherever they asked. */
export interface AdmissionNotice {
  title: string;
  /** In words, never markup: a refusal may repeat what the agent typed. */
  text: string;
  /** Set when the refusal is about what the agent entered: each message on its field, by parameter. */
  errors?: FieldErrors;
  /** The same request may go once fixed or later; otherwise asking again here is of no use. */
  retry: boolean;
}

/** The one reading of every refusal, for the form, the confirmation and Send again alike. */
export function admissionNotice(refused: Refused): AdmissionNotice {
  switch (refused.kind) {
    case 'forbidden':
      return { ...NOT_ALLOWED, retry: false };
    case 'no_account':
      return { ...NO_ACCOUNT, retry: false };
    case 'invalid': {
      const problems = Object.entries(refused.errors).map(([field, message]) => `• ${field}: ${message}`);
      return {
        title: 'Not sent',
        text: `Nothing was sent. To fix:\n${problems.join('\n')}`,
        errors: refused.errors,
        retry: true,
      };
    }
    case 'refused': {
      const { rule, message } = refused.refusal;
      // A customer's limit is about the field the agent can change; the account's is not.
      return {
        title: 'Not sent',
        text: `Nothing was sent. ${message}`,
        ...(rule.startsWith('recipient') ? { errors: { to_user_id: message } } : {}),
        retry: true,
      };
    }
  }
}
