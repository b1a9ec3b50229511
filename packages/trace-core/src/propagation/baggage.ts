import { headerValue } from './ids';
import { noteDrop, propagationLimits } from './limits';

/** W3C Baggage header: https://www.w3.org/TR/baggage/ */
export const BAGGAGE = 'baggage';
/** jaeger-client's baggage header prefix. */
export const UBER_BAGGAGE_PREFIX = 'uberctx-';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type Baggage = Record<string, string>;

/** Adds the `uberctx-*` headers to `baggage` (for contexts jaeger-client's own codec did not read). */
export function readUberBaggage(headers: Record<string, unknown>, baggage: Baggage): void {
  for (const name in headers) {
    if (!name.startsWith(UBER_BAGGAGE_PREFIX)) continue;
    const value = headerValue(headers, name);
    const key = name.slice(UBER_BAGGAGE_PREFIX.length);
    if (value !== undefined && key !== '' && !(key in baggage)) baggage[key] = value;
  }
}

/**
 * Adds the members of a W3C `baggage` header to `baggage` (properties after `;` are not kept; malformed
 * members are skipped and counted). Stops reading once the caps are reached.
 */
export function readW3cBaggage(headers: Record<string, unknown>, baggage: Baggage): void {
  const raw = headerValue(headers, BAGGAGE);
  if (raw === undefined || raw === '') return;
  const { maxBaggageItems, maxBaggageBytes } = propagationLimits();
  const members = raw.split(',', maxBaggageItems * 2 + 1);
  let malformed = 0;
  for (const member of members) {
    const semicolon = member.indexOf(';');
    const pair = semicolon < 0 ? member : member.slice(0, semicolon);
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!TOKEN.test(key) || pair.length > maxBaggageBytes + 2) {
      if (pair.trim() !== '') malformed++;
      continue;
    }
    const value = decode(pair.slice(eq + 1).trim());
    if (value === undefined) malformed++;
    else if (!(key in baggage)) baggage[key] = value;
  }
  if (malformed > 0) noteDrop('baggageItems', malformed, `${malformed} malformed W3C baggage member(s) skipped`);
}

function decode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Removes items past `maxBaggageItems` or `maxBaggageBytes` (keys + values, in header order). */
export function limitBaggage(baggage: Baggage): void {
  const { maxBaggageItems, maxBaggageBytes } = propagationLimits();
  let items = 0;
  let bytes = 0;
  let dropped = 0;
  let droppedBytes = 0;
  for (const key in baggage) {
    const size = key.length + String(baggage[key]).length;
    if (items < maxBaggageItems && bytes + size <= maxBaggageBytes) {
      items++;
      bytes += size;
    } else {
      dropped++;
      droppedBytes += size;
      delete baggage[key];
    }
  }
  if (dropped > 0) {
    noteDrop('baggageItems', dropped, `${dropped} baggage item(s) (${droppedBytes} characters) dropped (maxBaggageItems ${maxBaggageItems}, maxBaggageBytes ${maxBaggageBytes})`);
  }
}

/** Writes `baggage` as a W3C `baggage` header, at most `maxBaggageBytes` characters long. */
export function writeW3cBaggage(baggage: Baggage | undefined, headers: Record<string, unknown>): void {
  if (baggage === undefined) return;
  const max = propagationLimits().maxBaggageBytes;
  let header = '';
  for (const key in baggage) {
    if (!TOKEN.test(key)) continue;
    const member = `${key}=${encodeURIComponent(String(baggage[key]))}`;
    if (header.length + member.length + 1 > max) continue;
    header = header === '' ? member : `${header},${member}`;
  }
  if (header !== '') headers[BAGGAGE] = header;
}
