/**
 * @spanwise/trace-elasticsearch: one client span per Elasticsearch API call for @elastic/elasticsearch 7, 8 and 9,
 * hooked at the transport's `request` so every API method and helper (bulk, scroll, msearch) is covered.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export { patchTransportClass, unpatchTransportClass, patchLegacyTransportClass, unpatchLegacyTransportClass } from './instrumentation';
export { apiName, apiNameFromPath, indexFromPath, statement, QUERY_APIS, COMPONENT, DEFAULT_MAX_STATEMENT_LENGTH } from './utils';
export type { ElasticsearchInstrumentationOptions } from './types';
