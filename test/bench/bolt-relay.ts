import type { ModalView } from '@slack/types';
import fetch from 'node-fetch';
import { authorizationHeader, formEncode } from '../../app/twitter/oauth.js';
import { baselineApp, serveBaseline, workspaces } from './bolt-baseline.js';

/**
 * Bolt and the calls a relayed submission makes, with none of the app around them: the
 * submission is acknowledged with a "Sending…" view, feedback/create goes to Twitter
 * signed with oauth-1.0a through node-fetch, then the outcome replaces the modal
 * (views.update, Bolt's own client) and is posted to the response_url (Node's fetch).
 * Nothing is checked, stored, reserved or written down. What this costs is Bolt's,
 * the libraries' and Node's; what the app costs beyond it is the app's.
 */
const twitterUrl = `${process.env.TWITTER_API_URL}/1.1/feedback/create.json`;
const consumer = {
  consumerKey: process.env.TWITTER_CONSUMER_KEY ?? '',
  consumerSecret: process.env.TWITTER_CONSUMER_SECRET ?? '',
};
const PARAMETERS = ['type', 'question_variant_id', 'to_user_id', 'message', 'privacy_url', 'external_id', 'display_name'];

function modal(callbackId: string, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: 'Twitter feedback' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
const SENDING = modal('feedback_sending', 'Sending…');

type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/** Each input's value under its block_id, which names the parameter it feeds. */
function parameters(values: Values): Record<string, string> {
  const form: Record<string, string> = {};
  for (const name of PARAMETERS) {
    const action = Object.values(values[name] ?? {})[0];
    const value = action?.value ?? action?.selected_option?.value;
    if (value) form[name] = value;
  }
  return form;
}

const app = baselineApp();
app.view('feedback', async ({ ack, body, client }) => {
  await ack({ response_action: 'update', view: SENDING });
  const { tokens } = workspaces.get(body.team?.id ?? '')!;
  const form = parameters(body.view.state.values as Values);
  const authorization = authorizationHeader({
    ...consumer,
    token: tokens.access_token,
    tokenSecret: tokens.access_token_secret,
    method: 'POST',
    url: twitterUrl,
    form,
  });
  const answer = await fetch(twitterUrl, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: formEncode(form),
  });
  const created = (await answer.json()) as { id?: string };
  const text = answer.ok ? `Sent: feedback ${created.id}` : `Not sent: HTTP ${answer.status}`;
  const { response_url } = JSON.parse(body.view.private_metadata) as { response_url: string };
  await Promise.allSettled([
    client.views.update({ view_id: body.view.id, view: modal('feedback_outcome', text) }),
    globalThis.fetch(response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text }),
    }),
  ]);
});

await serveBaseline(app);
