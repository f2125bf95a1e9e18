import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

/** B9: request bodies are small JSON objects; 16 KB is far above any valid todo. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads the raw body, at most `limit` bytes. A larger body is refused with 413 as soon as the
 * declared `Content-Length` or the bytes received so far exceed the limit; the rest is not read
 * (the caller closes the connection).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    req.pause();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new ApiError('invalid_request', 'the request body could not be read', { cause: err }));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): ApiError {
  return new ApiError('payload_too_large', `the request body exceeds ${limit} bytes`, {
    headers: { Connection: 'close' },
  });
}

/**
 * Parses a JSON object body. Only `application/json` (UTF-8) is accepted: a form or text body is
 * what a cross-site form post would send.
 */
export function parseJsonObject(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    throw new ApiError('unsupported_media_type', 'the body must be application/json (UTF-8)');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (cause) {
    throw new ApiError('invalid_json', 'the body is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('invalid_body', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
