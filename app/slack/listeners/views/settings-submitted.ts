import { checkSettings } from '../../../domain/workspace-settings.js';
import type { Services } from '../../dependencies.js';
import { readSettings } from '../../user-interface/settings-modal.js';
import { settingsFormSubmitted } from './settings-form.js';

/** The general settings: survey defaults, message, limits, who may send and who administers. */
export function settingsSubmitted(services: Services) {
  return settingsFormSubmitted(services, (values) => {
    const checked = checkSettings(readSettings(values));
    return checked.ok ? { ok: true, changes: checked.value } : checked;
  });
}
