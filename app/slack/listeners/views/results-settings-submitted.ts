import { checkResultsSettings } from '../../../domain/results-settings.js';
import type { Services } from '../../dependencies.js';
import { readResultsSettings } from '../../user-interface/results-settings-modal.js';
import { settingsFormSubmitted } from './settings-form.js';

/** Saves supervisors, alerts, digest and retention only: the other settings stay as they are. */
export function resultsSettingsSubmitted(services: Services) {
  return settingsFormSubmitted(services, (values) => {
    const checked = checkResultsSettings(readResultsSettings(values));
    return checked.ok ? { ok: true, changes: checked.value } : checked;
  });
}
