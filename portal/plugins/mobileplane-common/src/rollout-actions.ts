/**
 * Manual rollout control by annotation (issue #14: "manual control by annotation … which the portal then uses").
 * The portal writes `mobileplane.io/rollout-action: <action>` and `mobileplane.io/rollout-action-at: <RFC 3339>`
 * (so a second promote of the same step is a new request); the rollout controller acts on it and removes it.
 * Until the rollout controller lands, this module is the contract; it moves to @mobileplane/api with it.
 */
export const ROLLOUT_ACTION_ANNOTATION = 'mobileplane.io/rollout-action';
export const ROLLOUT_ACTION_AT_ANNOTATION = 'mobileplane.io/rollout-action-at';

export const ROLLOUT_ACTIONS = ['promote', 'abort'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** Rollout phases in which each action means something; the API refuses the action (409) otherwise. */
export const ROLLOUT_ACTION_PHASES: Record<RolloutAction, readonly string[]> = {
  promote: ['Progressing', 'Paused'],
  abort: ['Progressing', 'Paused', 'Promoting'],
};
