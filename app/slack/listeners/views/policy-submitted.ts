import { checkPolicy } from '../../../domain/sending-policy.js';
import type { Services } from '../../dependencies.js';
import { readPolicy } from '../../user-interface/policy-modal.js';
import { settingsFormSubmitted } from './settings-form.js';

/** The policy applies to automatic requests from the moment it is saved, including those already scheduled. */
export function policySubmitted(services: Services) {
  return settingsFormSubmitted(services, (values) => {
    const checked = checkPolicy(readPolicy(values));
    return checked.ok ? { ok: true, changes: { policy: checked.value } } : checked;
  });
}
