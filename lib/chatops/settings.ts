import { findReleaseIdProblems, ValidationError } from '../domain/index.ts';
import type { StoreDriver } from '../store/index.ts';
import { channelKey, repositoryKey, SETTINGS_PK } from './keys.ts';
import { SETTINGS_MESSAGES } from './messages.ts';
import type { ChannelDefaults, ChartRepository } from './types.ts';

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,31}$/;
const REPO_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const REPO_URL = /^(https:\/\/|oci:\/\/)[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/;

/**
 * Chat-ops settings an operator keeps in the release table: per-channel defaults for cluster and
 * namespace, and the chart repositories commands may name (`REPO/CHART`, as after `helm repo add`).
 */
export class ChatSettings {
  constructor(private readonly driver: StoreDriver) {}

  /** A channel's defaults, when it has any. */
  async channel(channel: string): Promise<ChannelDefaults | undefined> {
    const item = await this.driver.get(channelKey(channel));
    if (item === undefined) return undefined;
    return {
      channel,
      ...(typeof item.cluster === 'string' ? { cluster: item.cluster } : {}),
      ...(typeof item.namespace === 'string' ? { namespace: item.namespace } : {}),
    };
  }

  /**
   * Sets a channel's defaults.
   * @throws ValidationError for a channel id that is not Slack's, or a cluster or namespace quayside refuses.
   */
  async setChannel(defaults: ChannelDefaults): Promise<void> {
    const problems = CHANNEL_ID.test(defaults.channel)
      ? []
      : [{ field: 'channel', message: SETTINGS_MESSAGES.badChannel(defaults.channel) }];
    const probe = findReleaseIdProblems(
      { cluster: defaults.cluster ?? 'x', namespace: defaults.namespace ?? 'x', name: 'x' },
      '',
    ).map((p) => ({ ...p, field: p.field.replace(/^\./, '') }));
    problems.push(...probe);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.driver.transact([
      {
        type: 'put',
        item: {
          ...channelKey(defaults.channel),
          ...(defaults.cluster === undefined ? {} : { cluster: defaults.cluster }),
          ...(defaults.namespace === undefined ? {} : { namespace: defaults.namespace }),
        },
      },
    ]);
  }

  async unsetChannel(channel: string): Promise<void> {
    await this.driver.transact([{ type: 'delete', key: channelKey(channel) }]);
  }

  /** A registered repository, by name. */
  async repository(name: string): Promise<ChartRepository | undefined> {
    const item = await this.driver.get(repositoryKey(name));
    return typeof item?.url === 'string' ? { name, url: item.url } : undefined;
  }

  /**
   * Registers a chart repository (an https chart repository or an oci:// prefix).
   * @throws ValidationError for a name or URL that is not one.
   */
  async addRepository(repository: ChartRepository): Promise<void> {
    const problems: { field: string; message: string }[] = [];
    if (!REPO_NAME.test(repository.name))
      problems.push({ field: 'name', message: SETTINGS_MESSAGES.badRepoName(repository.name) });
    if (!REPO_URL.test(repository.url) || repository.url.includes('..'))
      problems.push({ field: 'url', message: SETTINGS_MESSAGES.badRepoUrl(repository.url) });
    if (problems.length > 0) throw new ValidationError(problems);
    await this.driver.transact([
      { type: 'put', item: { ...repositoryKey(repository.name), url: repository.url } },
    ]);
  }

  async removeRepository(name: string): Promise<void> {
    await this.driver.transact([{ type: 'delete', key: repositoryKey(name) }]);
  }

  /** Every channel default and repository, for `quayside chatops list`. */
  async list(): Promise<{ channels: ChannelDefaults[]; repositories: ChartRepository[] }> {
    const channels: ChannelDefaults[] = [];
    const repositories: ChartRepository[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.driver.query({
        pk: SETTINGS_PK,
        consistent: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const item of page.items) {
        if (item.sk.startsWith('CHANNEL#')) {
          channels.push({
            channel: item.sk.slice('CHANNEL#'.length),
            ...(typeof item.cluster === 'string' ? { cluster: item.cluster } : {}),
            ...(typeof item.namespace === 'string' ? { namespace: item.namespace } : {}),
          });
        } else if (item.sk.startsWith('REPO#') && typeof item.url === 'string') {
          repositories.push({ name: item.sk.slice('REPO#'.length), url: item.url });
        }
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return { channels, repositories };
  }
}
