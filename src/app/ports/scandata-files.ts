import type { Readable, Writable } from 'node:stream';
import type { ScanDataFormat } from '../../adapters/scandata/writer.ts';

/**
 * Where generated scan-data files live. A file is written under a temporary name and appears
 * under its own only when `commit` is called, so a reader never sees half a file; its size and
 * sha256 are taken from the bytes as they are written (no second read).
 */
export interface ScanDataFileStore {
  /** the absolute path a file gets: `{dir}/{accountId}/{weekStart}/{generation}/{fileName}`, or `{outDir}/{fileName}` */
  pathFor(key: { accountId: string; weekStart: string; generation: number; fileName: string }, outDir?: string): string;
  /** a stream writing to the path's temporary name */
  create(path: string): ScanDataFileWrite;
  /** the file's lines (streaming) */
  lines(path: string): AsyncIterable<string>;
  /** the file's bytes, streaming; null when it is gone */
  open(path: string): Promise<{ stream: Readable; size: number } | null>;
}

export interface ScanDataFileWrite {
  out: Writable;
  /** ends the stream and waits for the last byte on disk: its size and sha256 */
  finish(): Promise<{ size: number; sha256: string }>;
  /** moves the temporary file to its name */
  commit(): Promise<void>;
  /** removes the temporary file (a failed generation) */
  discard(): Promise<void>;
}

/** The scan-data plug-ins a use case gets from the composition root: the formats and the file store. */
export interface ScanDataPlugins {
  formats: ReadonlyMap<string, ScanDataFormat>;
  /** a format's options with defaults, or throws naming the wrong option (`formatOptions`) */
  options(format: ScanDataFormat, input: unknown): object;
  files: ScanDataFileStore;
}
