import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConsoleLogger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import { tellAutomatic } from '../../app/slack/automatic-outcome.js';
import { AutomaticRequests } from '../../app/services/automatic-requests.js';
import type { FeedbackRequests } from '../../app/services/feedback-requests.js';
import { SettingsSource } from '../../app/services/settings.js';
import type { Store } from '../../app/store/store.js';
import { DEFAULTS, type FunctionStep, type SlackSimulator } from '../simulators/slack.js';
import { repoRoot } from './paths.js';
import { eventBody, postToApp } from './slack-requests.js';
import { SECRETS } from './harness.js';

/** The Workflow Builder step as manifest.yml declares it. */
export function declaredStep(): FunctionStep {
  const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as {
    functions: Record<string, Omit<FunctionStep, 'callback_id'>>;
  };
  const [[callbackId, step]] = Object.entries(manifest.functions);
  return { callback_id: callbackId, ...step };
}

/** A workflow runs the app's step with these inputs: Slack posts function_executed. Answers the execution's id. */
export async function runStep(slack: SlackSimulator, appUrl: string, inputs: Record<string, unknown>): Promise<string> {
  const { executionId, event } = slack.executeFunction(declaredStep(), inputs);
  const response = await postToApp(appUrl, SECRETS.signingSecret, eventBody(event), {
    headers: { 'content-type': 'application/json' },
  });
  if (response.status !== 200) throw new Error(`function_executed answered ${response.status}`);
  return executionId;
}

function unused(): never {
  throw new Error('only submitting, cancelling and reading are expected here');
}

/**
 * Automatic requests filed in the store as a helpdesk's call to another instance would file
 * them: the app sharing the store sends them when due. It never sends itself.
 */
export function automaticRequestsOn(store: Store, privacyUrl: string, slackApiUrl: string): AutomaticRequests {
  const client = new WebClient(DEFAULTS.botToken, { slackApiUrl });
  return new AutomaticRequests({
    requests: { admit: unused, send: unused } as unknown as FeedbackRequests,
    // As the app reads settings: with the deployment's default privacy policy.
    settings: new SettingsSource(store.records('settings'), { privacy_url: privacyUrl }),
    accounts: { list: (teamId) => store.accounts.list({ teamId }) },
    log: { get: unused, recent: unused },
    limits: { release: unused },
    store,
    holdMs: 60_000,
    tell: tellAutomatic(async () => client, new ConsoleLogger()),
    background: () => undefined,
  });
}
