/** Slack answered, and posted nothing: trying again cannot post twice. */
export class NotPosted extends Error {}
