/**
 * Errors of the chart part. Callers check them with `instanceof`; subclasses
 * carry the data a caller needs (paths, limits, chart names), never values.
 */
import { QuaysideError } from '../domain/index.ts';

export class ChartError extends QuaysideError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
  }
}

/** The chart files are not a valid chart (Chart.yaml, values.yaml, layout). */
export class ChartInvalidError extends ChartError {}

/** Chart.yaml fails Helm's metadata validation. */
export class ChartMetadataError extends ChartInvalidError {}

/** An archive tries to write outside its root, uses links, or is otherwise unsafe. */
export class UnsafeArchiveError extends ChartError {
  constructor(
    message: string,
    readonly entry: string,
    readonly reason: 'path-traversal' | 'absolute-path' | 'link' | 'unsupported-entry' | 'invalid-archive',
  ) {
    super(message);
  }
}

/** An archive unpacks to more bytes than allowed. */
export class ArchiveTooLargeError extends ChartError {
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** A YAML document of the chart or of the user's values cannot be read. */
export class YamlError extends ChartError {
  /** What is wrong, without the file name (Helm's own words where Helm's reader found it). */
  readonly reason: string;
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(message, options);
    this.reason = options?.reason ?? message;
  }
}

/** A --set / --set-string / --set-json / --set-file / -f argument is malformed. */
export class ValueFlagError extends ChartError {}

/** Values have a shape Helm cannot merge (a subchart's values that are not a map). */
export class ValuesTypeError extends ChartError {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

/** Values do not satisfy a chart's values.schema.json. */
export class SchemaValidationError extends ChartError {
  constructor(
    message: string,
    readonly charts: readonly string[],
  ) {
    super(message);
  }
}

/** Chart.yaml lists dependencies that are not in charts/. */
export class MissingDependencyError extends ChartError {
  constructor(
    message: string,
    readonly missing: readonly string[],
  ) {
    super(message);
  }
}

/** The chart cannot be installed (a library chart). */
export class ChartNotInstallableError extends ChartError {}

/** Chart.yaml's kubeVersion constraint excludes the target cluster's version. */
export class KubeVersionIncompatibleError extends ChartNotInstallableError {
  constructor(
    message: string,
    readonly constraint: string,
    readonly kubeVersion: string,
  ) {
    super(message);
  }
}

/** A template fails to parse or execute. */
export class TemplateError extends ChartError {
  constructor(
    message: string,
    readonly template: string | undefined,
    readonly phase: 'parse' | 'execute' | 'render',
  ) {
    super(message);
  }
}

/** A rendered manifest is not valid YAML. */
export class ManifestParseError extends ChartError {
  constructor(
    message: string,
    readonly template: string,
  ) {
    super(message);
  }
}

/** The WebAssembly template engine failed to load or answered nonsense. */
export class EngineError extends ChartError {}

/** A chart repository or registry cannot provide the chart. */
export class ChartSourceError extends ChartError {
  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown; status?: number },
  ) {
    // A registry or repository that is down or throttling may answer later; a 404 or a bad archive will not.
    const status = options?.status;
    super(message, {
      cause: options?.cause,
      retryable: status === undefined ? options?.cause !== undefined : status >= 500 || status === 429,
    });
    this.status = status;
  }
  readonly status: number | undefined;
}

/** No chart version in the repository satisfies the requested constraint. */
export class ChartVersionNotFoundError extends ChartSourceError {}

/** A downloaded archive does not match the digest its index or manifest declares. */
export class DigestMismatchError extends ChartSourceError {
  constructor(
    message: string,
    source: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(message, source);
  }
}
