/**
 * The text Go's os.ReadFile gives when a file cannot be read, which Helm prints as it is
 * ("open missing.yaml: no such file or directory").
 */
const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Go's message for a failed read of `path`, from a Node file-system error. */
export function goReadFileError(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  // Opening a directory works in Go; reading it is what fails.
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  const text = typeof code === 'string' ? GO_ERRNO_TEXT[code] : undefined;
  return `open ${path}: ${text ?? (error instanceof Error ? error.message : String(error))}`;
}
