import type { SimulatedView } from '../simulators/slack.js';
import { SECRETS } from '../support/harness.js';
import { blockActionsBody, signRequest, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';
import type { Signed } from './load.js';
import type { World } from './world.js';

/**
 * What the agents of the bench's workspaces do, as Slack sends it to the app: each request
 * signed once, with a timestamp Slack's five minutes of validity keep good for any run.
 */

function signed(body: string): Signed {
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...signRequest(SECRETS.signingSecret, body) } };
}

/** `/feedback` typed by each workspace's agent in turn, with a trigger id Slack issued just now. */
export function commands(world: World, issued: (triggerId: string) => void = () => undefined): () => Signed {
  let n = 0;
  return () => {
    const { teamId, agentId } = world.workspaces[n++ % world.workspaces.length];
    const triggerId = world.slack.issueTriggerId({ teamId, userId: agentId });
    issued(triggerId);
    const responseUrl = world.slack.responseUrl({ teamId });
    return signed(slashCommandBody({ teamId, userId: agentId, responseUrl, triggerId }).toString());
  };
}

/** A finite supply of requests made ahead, each sent once, in order. */
export interface Supply {
  readonly left: number;
  next(): Signed;
}

/**
 * The agent switches the survey type of each modal once, which the app answers with
 * views.update; `sending` hears the view id of each switch as it goes.
 */
export function typeSwitches(world: World, viewIds: string[], sending: (viewId: string) => void): Supply {
  const agents = new Map(world.workspaces.map((w) => [w.teamId, w.agentId]));
  const requests = viewIds.map((id) => {
    const view = world.slack.view(id)!;
    const request = signed(
      blockActionsBody(view, { blockId: 'type', value: 'nps', userId: agents.get(view.team_id) }).toString(),
    );
    // Off the heap: thousands of these wait at once.
    return { ...request, body: Buffer.from(request.body), viewId: id };
  });
  let n = 0;
  return {
    get left() {
      return requests.length - n;
    },
    next() {
      const request = requests[n++];
      if (!request) throw new Error('the bench ran out of type switches');
      sending(request.viewId);
      return request;
    },
  };
}

const FORM_ID = 'VBENCHFORMID';
const RESPONSE_ID = 'benchresponseid';
const RECIPIENT = 'BENCHRECIPIENT';

/**
 * Valid submissions, each of a form of its own and to a customer its business has not
 * asked yet: the n-th goes to workspace n mod W and to that business's ⌊n / W⌋-th customer.
 * Each body is a copy of one real modal per workspace with the form's id, a response URL
 * and the customer put in: cheap enough to make, and sign, as it goes.
 */
export class Submissions {
  sent = 0;
  private readonly templates: string[];
  /** Per workspace, in the order its submissions use them. */
  private readonly forms: string[][];

  /** `modals`: one modal the app opened in each workspace. `submitting` hears each form's id as it goes. */
  constructor(
    private readonly world: World,
    modals: Map<string, SimulatedView>,
    private readonly submitting: (formId: string) => void,
  ) {
    this.forms = world.workspaces.map(() => []);
    this.templates = world.workspaces.map((w) => {
      const modal = modals.get(w.teamId);
      if (!modal) throw new Error(`no modal was opened in ${w.teamId} to copy`);
      const context = JSON.parse(modal.private_metadata) as Record<string, unknown>;
      const form = {
        ...modal,
        id: FORM_ID,
        root_view_id: FORM_ID,
        private_metadata: JSON.stringify({ ...context, response_url: `${world.slack.baseUrl}/response/${RESPONSE_ID}` }),
      };
      const values = { to_user_id: RECIPIENT, message: 'Thanks for talking to us today!', external_id: 'ticket 5555' };
      return viewSubmissionBody(form, { userId: w.agentId, values }).toString();
    });
  }

  /** How many forms must still be opened for the first `total` submissions to have one each. */
  missing(total: number): number {
    return this.shortfall(total).reduce((sum, n) => sum + n, 0);
  }

  /** Opens them. */
  async prepare(total: number): Promise<void> {
    const shortfall = this.shortfall(total);
    for (const [w, workspace] of this.world.workspaces.entries()) {
      if (shortfall[w] > 0) this.forms[w].push(...(await this.world.openForms(workspace, shortfall[w])));
    }
  }

  next(): Signed {
    const n = this.sent++;
    const count = this.world.workspaces.length;
    const workspace = this.world.workspaces[n % count];
    const k = Math.floor(n / count);
    const formId = this.forms[n % count][k];
    if (formId === undefined || k >= this.world.customers.length) throw new Error('the bench ran out of open forms or customers');
    const responseUrl = this.world.slack.responseUrl({ teamId: workspace.teamId });
    this.submitting(formId);
    return signed(
      this.templates[n % count]
        .replaceAll(FORM_ID, formId)
        .replace(RESPONSE_ID, responseUrl.slice(responseUrl.lastIndexOf('/') + 1))
        .replace(RECIPIENT, this.world.customers[k].id_str),
    );
  }

  private shortfall(total: number): number[] {
    const count = this.world.workspaces.length;
    return this.forms.map((forms, w) => Math.max(0, Math.ceil((total - w) / count) - forms.length));
  }
}
