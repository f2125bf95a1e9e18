import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

/** The strong entity tag of a todo version (RFC 9110 §8.8.3): version 3 is `"3"`. */
export function etagFor(version: number): string {
  return `"${version}"`;
}

const STRONG_VERSION_TAG = /^"([1-9][0-9]{0,14})"$/;

/**
 * The version an `If-Match` header (RFC 9110 §13.1.1) asks for, or undefined when there is none
 * (the write is then unconditional). Only the form this API issues is accepted: exactly one strong
 * tag `"N"`. A weak tag, a list or `*` is refused rather than guessed at, so a client bug shows up
 * as a 400 instead of a write that was meant to be conditional and was not.
 *
 * @throws ApiError `invalid_request`
 */
export function parseIfMatch(req: Pick<IncomingMessage, 'headersDistinct'>): number | undefined {
  const values = req.headersDistinct['if-match'];
  if (values === undefined) return undefined;
  const m = values.length === 1 ? STRONG_VERSION_TAG.exec(values[0]?.trim() ?? '') : null;
  if (m?.[1] === undefined) {
    throw new ApiError('invalid_request', 'If-Match must be one strong entity tag such as "3"');
  }
  return Number(m[1]);
}
