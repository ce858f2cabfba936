import type { BakeRecord } from '../store/index.ts';

/** One cell for a revision's bake, as `history` and `automation status` show it. */
export function describeBake(bake: BakeRecord): string {
  switch (bake.state) {
    case 'baking':
      return `baking until ${new Date(bake.endsAt).toISOString().slice(0, 19)}Z`;
    case 'verified':
      return 'verified';
    case 'failed':
      return bake.rollback === undefined
        ? `failed: ${bake.reason ?? ''}`
        : `failed, rolled back to ${bake.rollback.to}: ${bake.reason ?? ''}`;
    case 'ended':
      return `not verified: ${bake.reason ?? ''}`;
  }
}
