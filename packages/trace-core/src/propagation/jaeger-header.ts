import { headerValue } from './ids';

/** Jaeger's native header. jaeger-client parses it leniently (parseInt accepts "12zz"), so it is checked here first. */
export const UBER_TRACE_ID = 'uber-trace-id';
const UBER_FORMAT = /^([0-9a-f]{1,32}):([0-9a-f]{1,16}):([0-9a-f]{1,16}):([0-9a-f]{1,2})$/i;

export function hasValidUberTraceId(headers: Record<string, unknown>): boolean {
  let value = headerValue(headers, UBER_TRACE_ID);
  if (value === undefined) return false;
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return false;
    }
  }
  const match = UBER_FORMAT.exec(value.trim());
  return match !== null && /[1-9a-f]/i.test(match[1]) && /[1-9a-f]/i.test(match[2]);
}
