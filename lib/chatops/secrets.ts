import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChatSecretError } from './errors.ts';
import { SECRET_MESSAGES } from './messages.ts';

/**
 * A JSON secret from Secrets Manager, read once per container and kept: the chat function answers
 * within Slack's three seconds, and a signing secret read on every request would spend part of
 * them. A failed read is not kept, so the next request tries again. Fields are checked on read;
 * their values never reach an error message.
 */
export function cachedJsonSecret<T extends Record<string, string>>(input: {
  client: SecretsManagerClient;
  secretId: string;
  /** The fields the secret must hold (non-empty strings), and those it may. */
  required: readonly (keyof T & string)[];
  optional?: readonly (keyof T & string)[];
}): () => Promise<T> {
  let reading: Promise<T> | undefined;
  const read = async (): Promise<T> => {
    let text: string | undefined;
    try {
      const answer = await input.client.send(new GetSecretValueCommand({ SecretId: input.secretId }));
      text = answer.SecretString;
    } catch (error) {
      throw new ChatSecretError(SECRET_MESSAGES.unreadable(input.secretId, (error as Error).name), error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text ?? '');
    } catch {
      throw new ChatSecretError(SECRET_MESSAGES.notJson(input.secretId, input.required));
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    const missing = input.required.filter((key) => typeof record[key] !== 'string' || record[key] === '');
    if (missing.length > 0) throw new ChatSecretError(SECRET_MESSAGES.missingFields(input.secretId, missing));
    const fields = [...input.required, ...(input.optional ?? [])];
    return Object.fromEntries(
      fields.filter((key) => typeof record[key] === 'string').map((key) => [key, record[key]]),
    ) as T;
  };
  return () => {
    reading ??= read().catch((error: unknown) => {
      reading = undefined;
      throw error;
    });
    return reading;
  };
}
