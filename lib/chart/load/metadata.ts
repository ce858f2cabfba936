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
 * Helm reads Chart.yaml with sigs.k8s.io/yaml, which turns a number or
 * boolean written where a string belongs into a string (so `appVersion: 1.10`
 * becomes "1.1", numbers formatted as Go's float32 %g). Anything else there
 * is an error.
 */
function asString(value: unknown, file: string, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : formatFloat32(value);
  throw new ChartMetadataError(
    METADATA_MESSAGES.fieldType(file, field, Array.isArray(value) ? 'list' : typeof value),
  );
}

/** Go's strconv.FormatFloat(v, 'g', -1, 32). */
export function formatFloat32(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const target = Math.fround(value);
  let digits = '';
  let exp = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const text = Math.abs(target).toExponential(precision - 1);
    if (Math.fround(Number(text)) === Math.abs(target)) {
      const [mantissa, e] = text.split('e');
      digits = mantissa!.replace('.', '');
      exp = Number(e);
      break;
    }
  }
  const sign = target < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * Turns parsed Chart.yaml into metadata, with the field types Helm's
 * decoding gives. Throws ChartMetadataError.
 */
export function readMetadata(raw: Record<string, unknown>, file: string): ChartMetadata {
  const converted: Record<string, unknown> = { ...raw };
  for (const field of STRING_FIELDS) {
    const value = asString(raw[field], file, field);
    if (value === undefined) delete converted[field];
    else converted[field] = value;
  }
  if (raw.annotations !== undefined && raw.annotations !== null) {
    if (typeof raw.annotations !== 'object' || Array.isArray(raw.annotations)) {
      throw new ChartMetadataError(METADATA_MESSAGES.fieldType(file, 'annotations', typeof raw.annotations));
    }
    converted.annotations = Object.fromEntries(
      Object.entries(raw.annotations).map(([k, v]) => [k, asString(v, file, `annotations.${k}`) ?? '']),
    );
  }
  const dependencies = raw.dependencies;
  if (dependencies !== undefined && dependencies !== null && !Array.isArray(dependencies)) {
    throw new ChartMetadataError(METADATA_MESSAGES.fieldType(file, 'dependencies', typeof dependencies));
  }
  const metadata = converted as unknown as ChartMetadata;
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
