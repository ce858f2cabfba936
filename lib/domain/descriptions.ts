/** Revision description texts, as Helm writes them where Helm has one. */
export const descriptions = {
  installPending: () => 'Initial install underway',
  upgradePending: () => 'Preparing upgrade',
  rollbackPending: (target: number) => `Rollback to ${target}`,
  uninstallPending: () => 'Deletion in progress (or silently failed)',
  installComplete: () => 'Install complete',
  upgradeComplete: () => 'Upgrade complete',
  rollbackComplete: (target: number) => `Rollback to ${target}`,
  uninstallComplete: () => 'Uninstallation complete',
  installFailed: (name: string, reason: string) => `Release "${name}" failed: ${reason}`,
  upgradeFailed: (name: string, reason: string) => `Upgrade "${name}" failed: ${reason}`,
  rollbackFailed: (name: string, reason: string) => `Rollback "${name}" failed: ${reason}`,
  uninstallFailed: (name: string, reason: string) => `Uninstallation of "${name}" failed: ${reason}`,
  /** A revision left pending by an operation whose lease ran out (the worker crashed or timed out). */
  interrupted: (input: { action: string; owner: string; expiredAt: string }) =>
    `${capitalize(input.action)} interrupted: the operation's lease held by ${input.owner} expired at ${input.expiredAt} before it finished`,
} as const;

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
