import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface ArchiveEntry {
  name: string;
  data?: string | Uint8Array;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

/** Builds a .tgz from entries, hostile ones included (tests need archives tar(1) would refuse). */
export async function makeTgz(entries: ArchiveEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') {
      const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : Buffer.from(entry.data ?? '');
      p.entry({ name: entry.name, type, size: data.length }, data);
    } else {
      p.entry({ name: entry.name, type, ...(entry.linkname ? { linkname: entry.linkname } : {}) });
    }
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** A minimal valid chart as archive entries under `top/`. */
export function simpleChart(top: string, name = top, version = '0.1.0'): ArchiveEntry[] {
  return [
    { name: `${top}/Chart.yaml`, data: `apiVersion: v2\nname: ${name}\nversion: ${version}\n` },
    { name: `${top}/values.yaml`, data: 'who: world\n' },
    {
      name: `${top}/templates/cm.yaml`,
      data: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\ndata:\n  who: {{ .Values.who }}\n',
    },
  ];
}
