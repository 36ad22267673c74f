import { parseWindow } from '../../../domain/results.js';
import type { Shown } from '../../../services/home-pages.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import type { ButtonArgs } from './button-args.js';

/** What a button's value asks to see: a page, or Results over another window. */
function wanted(value: string | undefined): Partial<Shown> | undefined {
  if (value === 'home' || value === 'results') return { page: value };
  const window = parseWindow(value);
  return window ? { page: 'results', window } : undefined;
}

/**
 * App Home's Home and Results buttons, and Results' window buttons. The choice is remembered as asked; whether the
 * person may see Results is decided when the page is drawn, so a forged click shows an agent their own Home.
 */
export function homeShow(services: Services) {
  return async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const change = wanted(action.value);
    if (!change) return;
    const teamId = body.team?.id ?? '';
    await services.homePages.show(teamId, body.user.id, change);
    await publishHome(services, client, teamId, body.user.id);
  };
}
