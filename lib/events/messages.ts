/** Texts that status events carry, in one place. None may hold values. */
export const eventMessages = {
  rejected: (reasons: string) => `Request rejected: ${reasons}`,
  /** Stands in for the message of an error quayside did not raise on purpose: it could quote anything. */
  unexpectedError: 'an unexpected error occurred; the worker logs hold the details',
  moreProblems: (count: number) => `and ${count} more`,
} as const;
