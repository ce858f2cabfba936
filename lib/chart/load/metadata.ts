import { ChartMetadataError } from '../errors.ts';
import { METADATA_MESSAGES } from '../messages.ts';
import type { ChartDependency, ChartMetadata } from '../types.ts';

// Masterminds/semver's loose grammar, which Helm uses for chart versions.
const SEMVER_LOOSE =
  /^v?(0|[1-9]\d*)(\.(0|[1-9]\d*))?(\.(0|[1-9]\d*))?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
const ALIAS = /^[a-zA-Z0-9-_]+$/;

const STRING_FIELDS = [
  'apiVersion',
  'name',
  'version',
  'appVersion',
  'description',
  'type',
  'kubeVersion',
  'home',
  'icon',
  'condition',
  'tags',
] as const;

/**
 * Turns parsed Chart.yaml into metadata, checking field types as Helm's
 * strict decoding does. Throws ChartMetadataError.
 */
export function readMetadata(raw: Record<string, unknown>, file: string): ChartMetadata {
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new ChartMetadataError(METADATA_MESSAGES.fieldType(file, field, typeof value));
    }
  }
  const dependencies = raw.dependencies;
  if (dependencies !== undefined && dependencies !== null && !Array.isArray(dependencies)) {
    throw new ChartMetadataError(METADATA_MESSAGES.fieldType(file, 'dependencies', typeof dependencies));
  }
  const metadata = { ...raw } as unknown as ChartMetadata;
  if (Array.isArray(dependencies)) {
    metadata.dependencies = dependencies.map((d) => readDependency(d, file));
  }
  return metadata;
}

function readDependency(raw: unknown, file: string): ChartDependency {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ChartMetadataError(METADATA_MESSAGES.fieldType(file, 'dependencies', 'non-map entry'));
  }
  const d = raw as Record<string, unknown>;
  for (const field of ['name', 'version', 'repository', 'condition', 'alias']) {
    if (d[field] !== undefined && d[field] !== null && typeof d[field] !== 'string') {
      throw new ChartMetadataError(
        METADATA_MESSAGES.fieldType(file, `dependencies.${field}`, typeof d[field]),
      );
    }
  }
  return { ...(d as unknown as ChartDependency), name: (d.name as string | undefined) ?? '' };
}

/** Helm's chart metadata validation. Throws ChartMetadataError with Helm's message. */
export function validateMetadata(md: ChartMetadata): void {
  if (!md.apiVersion) throw new ChartMetadataError(METADATA_MESSAGES.apiVersionRequired);
  if (!md.name) throw new ChartMetadataError(METADATA_MESSAGES.nameRequired);
  if (md.name.includes('/') || md.name.includes('\\') || md.name === '.' || md.name === '..') {
    throw new ChartMetadataError(METADATA_MESSAGES.nameInvalid(md.name));
  }
  if (!md.version) throw new ChartMetadataError(METADATA_MESSAGES.versionRequired);
  if (!SEMVER_LOOSE.test(md.version))
    throw new ChartMetadataError(METADATA_MESSAGES.versionInvalid(md.version));
  if (md.type !== undefined && md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    throw new ChartMetadataError(METADATA_MESSAGES.typeInvalid);
  }
  const seen = new Set<string>();
  for (const dep of md.dependencies ?? []) {
    if (dep.alias && !ALIAS.test(dep.alias))
      throw new ChartMetadataError(METADATA_MESSAGES.aliasInvalid(dep.name));
    const key = dep.alias || dep.name;
    if (seen.has(key)) throw new ChartMetadataError(METADATA_MESSAGES.duplicateDependency(key));
    seen.add(key);
  }
}

/** Whether a version string is a valid (loose) semantic version. */
export function isLooseSemver(version: string): boolean {
  return SEMVER_LOOSE.test(version);
}
