import { getRedactor } from './tracer';

/** `url` with userinfo and secret query values redacted by the current configuration's rules (safe to record). */
export function redactUrl(url: string): string {
  return getRedactor().url(url);
}
