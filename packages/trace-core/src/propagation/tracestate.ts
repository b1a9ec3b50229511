import { noteDrop, propagationLimits } from './limits';

/** W3C Trace Context `tracestate` rules: https://www.w3.org/TR/trace-context/#tracestate-header */
const MAX_MEMBERS = 32;
const KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Members longer than this are removed first when the header must be cut (as the spec recommends). */
const LONG_MEMBER = 128;
/** Longest valid header: 32 members of a 256-character key, '=', 256-character value, with separators. */
const MAX_VALID_LENGTH = MAX_MEMBERS * 514 + 31 * 3;

/**
 * The `tracestate` to propagate: undefined when absent or invalid (dropped whole), else its members cut to
 * `maxTraceStateBytes` characters by removing long members first, then members from the end.
 */
export function sanitizeTraceState(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const members = raw.length > MAX_VALID_LENGTH ? undefined : validMembers(raw);
  if (members === undefined) {
    noteDrop('traceStateInvalid', 1, `invalid tracestate (${raw.length} characters) dropped`);
    return undefined;
  }
  if (members.length === 0) return undefined;
  const joined = members.join(',');
  const max = propagationLimits().maxTraceStateBytes;
  if (joined.length <= max) return joined;
  const cut = truncateMembers(members, max);
  noteDrop('traceStateTruncated', 1, `tracestate of ${joined.length} characters cut to ${cut?.length ?? 0} (maxTraceStateBytes ${max})`);
  return cut;
}

function validMembers(raw: string): string[] | undefined {
  const members: string[] = [];
  const keys: string[] = [];
  for (const part of raw.split(',')) {
    const member = part.trim();
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq <= 0) return undefined;
    const key = member.slice(0, eq);
    if (!KEY.test(key) || !VALUE.test(member.slice(eq + 1)) || keys.includes(key)) return undefined;
    keys.push(key);
    members.push(member);
    if (members.length > MAX_MEMBERS) return undefined;
  }
  return members;
}

function truncateMembers(members: string[], max: number): string | undefined {
  let kept = members;
  let length = kept.join(',').length;
  if (length > max) {
    kept = kept.filter((member) => member.length <= LONG_MEMBER);
    length = kept.join(',').length;
  }
  while (kept.length > 0 && length > max) {
    kept = kept.slice(0, -1);
    length = kept.join(',').length;
  }
  return kept.length > 0 ? kept.join(',') : undefined;
}
