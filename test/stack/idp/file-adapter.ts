import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { CoalescingWriter, removeStaleTempFiles, writeFileAtomic } from '../atomic-file.ts';
import { createMemoryAdapterFactory, type AdapterEntry, type AdapterRecords, type AdapterStoreOptions } from './memory-adapter.ts';

/**
 * oidc-provider's records (sessions, grants, refresh tokens, codes, replay-detection entries…)
 * kept in a file, as a real IdP keeps them in a database: restarting the IdP signs nobody out,
 * refresh tokens issued before the restart keep working, and a consumed (rotated) refresh token
 * stays consumed, so reuse detection (C4) holds across restarts too.
 *
 * Every change is written before the adapter call resolves (oidc-provider answers only after
 * that), so whatever a client was told is on disk. Writes are atomic (temp file + fsync +
 * rename), serialized and coalesced: concurrent changes share one write. Expired records are
 * left out of every write and dropped at load; the number of records is bounded
 * (MAX_ADAPTER_ENTRIES). The file holds live tokens: it is created 0600, and belongs in a
 * gitignored folder (`npm start`: `.data/idp-store.json`).
 *
 * Format: `{ "version": 1, "records": [{ "key": "<Model>:<id>", "expiresAt": <ms> | null, "payload": {…} }] }`.
 */
export interface FileAdapter {
  readonly factory: (model: string) => Adapter;
  /** Waits for the last write. */
  close(): Promise<void>;
}

interface FileFormat {
  version: 1;
  records: Array<{ key: string; expiresAt: number | null; payload: AdapterPayload }>;
}

export class AdapterFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdapterFileError';
  }
}

export async function openFileAdapter(file: string, opts: Pick<AdapterStoreOptions, 'maxEntries' | 'now'> = {}): Promise<FileAdapter> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await removeStaleTempFiles(file);
  let snapshot: AdapterRecords = new Map();
  const writer = new CoalescingWriter(() => writeFileAtomic(file, serialize(snapshot)));
  const factory = createMemoryAdapterFactory({
    ...opts,
    initial: await load(file),
    persist: (records) => {
      snapshot = records;
      return writer.request();
    },
  });
  return { factory, close: () => writer.idle() };
}

/** A missing file is an empty store; an unreadable one stops the start rather than being overwritten. */
async function load(file: string): Promise<AdapterRecords> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new AdapterFileError(`${file} cannot be read`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new AdapterFileError(`${file} is not JSON`, { cause });
  }
  if (!isFileFormat(parsed)) throw new AdapterFileError(`${file} is not an IdP data file (version 1)`);
  return new Map(parsed.records.map((r) => [r.key, { payload: r.payload, expiresAt: r.expiresAt ?? Infinity }]));
}

function serialize(records: AdapterRecords): string {
  const file: FileFormat = { version: 1, records: [] };
  for (const [key, entry] of records) file.records.push({ key, ...toStored(entry) });
  return `${JSON.stringify(file)}\n`;
}

function toStored(entry: AdapterEntry): { expiresAt: number | null; payload: AdapterPayload } {
  // JSON has no Infinity.
  return { expiresAt: Number.isFinite(entry.expiresAt) ? entry.expiresAt : null, payload: entry.payload };
}

function isFileFormat(v: unknown): v is FileFormat {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { version?: unknown; records?: unknown };
  return (
    f.version === 1 &&
    Array.isArray(f.records) &&
    f.records.every((r: unknown) => {
      if (typeof r !== 'object' || r === null) return false;
      const { key, expiresAt, payload } = r as Record<string, unknown>;
      return (
        typeof key === 'string' &&
        key.includes(':') &&
        (expiresAt === null || typeof expiresAt === 'number') &&
        typeof payload === 'object' &&
        payload !== null &&
        !Array.isArray(payload)
      );
    })
  );
}
