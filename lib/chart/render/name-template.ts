import { encodeGoValues, runEngine } from '../engine/engine-host.ts';
import { EngineError, TemplateError } from '../errors.ts';
import { HELM_VERSION } from './capabilities.ts';

const NAME_TEMPLATE = 'name-template';

/**
 * Renders a --name-template (e.g. `{{ randAlpha 5 | lower }}-web`) with the
 * same functions charts get. Throws TemplateError.
 */
export async function renderNameTemplate(text: string): Promise<string> {
  const response = await runEngine({
    templates: [{ name: NAME_TEMPLATE, data: text, scope: 0 }],
    scopes: [{ chart: {}, isRoot: true, values: encodeGoValues({}), files: {}, subcharts: {}, basePath: '' }],
    release: { name: '', namespace: '', revision: 0, isInstall: false, isUpgrade: false, service: 'Helm' },
    capabilities: {
      kubeVersion: { version: '', normalized: '', major: '', minor: '' },
      apiVersions: [],
      helmVersion: HELM_VERSION,
    },
    strict: false,
    splitManifests: false,
  });
  if (response.error) {
    if (response.error.kind === 'internal') throw new EngineError(response.error.message);
    throw new TemplateError(response.error.message, NAME_TEMPLATE, response.error.kind);
  }
  return response.files?.[NAME_TEMPLATE]?.content ?? '';
}

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Longest release name Helm accepts. */
export const MAX_RELEASE_NAME_LENGTH = 53;

/** Whether a release name is one Helm accepts. */
export function isValidReleaseName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_RELEASE_NAME_LENGTH && RELEASE_NAME.test(name);
}
