import { type StoreDriver, TransactionConflictError } from '../store/index.ts';
import { SlackVerificationError } from './errors.ts';
import { replayKey } from './keys.ts';
import { CHAT_MESSAGES } from './messages.ts';
import { MAX_REQUEST_AGE_SECONDS, type VerifiedRequest } from './verify.ts';

/**
 * Accepts a verified request once: a record keyed by its signature is written on condition that
 * none exists. It outlives the five minutes in which the request's timestamp is accepted, after
 * which DynamoDB's TTL removes it (a later copy is refused for its age anyway).
 * @throws SlackVerificationError('replayed') when the same signed request came before.
 */
export async function acceptOnce(driver: StoreDriver, request: VerifiedRequest): Promise<void> {
  try {
    await driver.transact([
      {
        type: 'put',
        item: {
          ...replayKey(request.signature.slice(3)),
          receivedFor: request.timestamp,
          ttl: request.timestamp + MAX_REQUEST_AGE_SECONDS + 60,
        },
        condition: { op: 'itemAbsent' },
      },
    ]);
  } catch (error) {
    if (error instanceof TransactionConflictError) {
      throw new SlackVerificationError('replayed', CHAT_MESSAGES.replayed);
    }
    throw error;
  }
}
