/**
 * @spanwise/trace-elasticsearch: one client span per Elasticsearch API call for @elastic/elasticsearch 7, 8 and 9,
 * hooked at the transport's `request` so every API method and helper (bulk, scroll, msearch) is covered.
 */
import { checkConfiguration, checkOptionKeys, optionKeys } from '@spanwise/trace-core';
import { configure, instrumentation, setActive } from './instrumentation';
import type { ElasticsearchInstrumentationOptions } from './types';

/** Trace @elastic/elasticsearch (already loaded or required later). Idempotent; a second call updates the options. */
const OPTION_KEYS = optionKeys<ElasticsearchInstrumentationOptions>({ maxStatementLength: true, recordDocumentBodies: true });

export function patch(options?: ElasticsearchInstrumentationOptions): void {
  checkOptionKeys(options, OPTION_KEYS, '@spanwise/trace-elasticsearch patch()');
  checkConfiguration();
  configure(options);
  setActive(true);
  instrumentation.enable();
}

/** Restore every patched method; calls made afterwards (even through references bound earlier) are not traced. */
export function unpatch(): void {
  setActive(false);
  instrumentation.disable();
}

export { instrumentation, patchTransportClass, unpatchTransportClass, patchLegacyTransportClass, unpatchLegacyTransportClass } from './instrumentation';
export { apiName, apiNameFromPath, indexFromPath, statement, QUERY_APIS, COMPONENT, DEFAULT_MAX_STATEMENT_LENGTH } from './utils';
export type { ElasticsearchInstrumentationOptions } from './types';
