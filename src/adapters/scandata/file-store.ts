import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ScanDataFileStore, ScanDataFileWrite, ScanDataPlugins } from '../../app/ports/scandata-files.ts';
import { SCAN_DATA_FORMATS } from './formats.ts';
import { fileLines } from './validation.ts';
import { formatOptions } from './writer.ts';

/**
 * Scan-data files in a local directory (`TILLPOINT_SCANDATA_DIR`). Paths are stored absolute:
 * processes that share the files (several servers on PostgreSQL, the CLI, the Monday job) mount
 * one volume at the same path.
 */
export function localScanDataFiles(dir: string): ScanDataFileStore {
  const root = resolve(dir);
  return {
    pathFor: (k, outDir) => (outDir ? join(resolve(outDir), k.fileName) : join(root, k.accountId, k.weekStart, String(k.generation), k.fileName)),
    create: (path) => fileWrite(path),
    lines: (path) => fileLines(path),
    async open(path) {
      const s = await stat(path).catch(() => null);
      return s?.isFile() ? { stream: createReadStream(path), size: s.size } : null;
    },
  };
}

function fileWrite(path: string): ScanDataFileWrite {
  const partial = `${path}.partial`;
  const hash = createHash('sha256');
  let size = 0;
  // The hashing stage sits in front of the file so the writer's back-pressure still reaches the disk.
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const ready = mkdir(dirname(path), { recursive: true }).then(() => {
    const file = createWriteStream(partial);
    out.pipe(file);
    return file;
  });
  return {
    out,
    async finish() {
      const file = await ready;
      out.end();
      await finished(file);
      return { size, sha256: hash.digest('hex') };
    },
    commit: () => rename(partial, path),
    discard: async () => {
      out.destroy();
      await rm(partial, { force: true });
    },
  };
}

/** The registered formats and a file store in `dir`, as the c-store use cases take them. */
export function scanDataPlugins(dir: string): ScanDataPlugins {
  return { formats: SCAN_DATA_FORMATS, options: (format, input) => formatOptions(format, input), files: localScanDataFiles(dir) };
}
