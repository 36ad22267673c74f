/** Words for the moments when the app cannot go on; each says what to do next. */
export const NO_ACCOUNT = {
  title: 'Not set up yet',
  text:
    'No Twitter account is connected to this workspace, so feedback cannot be sent yet. ' +
    "Ask a workspace admin to connect the business account (see the app's README: `npm run accounts -- add`).",
};

/** For a request from a workspace other than the one the app's bot token belongs to. */
export const ELSEWHERE = 'This app is installed for another Slack workspace and does nothing here: nothing was sent.';

export const STALE_FORM = {
  title: 'Not sent',
  text: 'This form no longer matches this workspace, so nothing was sent. Open a new one with `/feedback`.',
};

export const NOT_ALLOWED = {
  title: 'Not allowed',
  text: 'Nothing was sent: sending feedback requests is limited to certain people in this workspace. Ask a workspace admin to add you (App Home → Settings → Who may send).',
};

export const NOT_ADMIN = {
  title: 'Admins only',
  text: 'Only workspace admins and owners, and the people they name, can change the app’s accounts and settings.',
};
