/**
 * @spanwise/trace-http: client spans for outgoing HTTP (http/https request and get, global fetch),
 * with trace headers injected into a copy of the caller's headers.
 */
export { patch, unpatch, isPatched } from './instrumentation';
export type { HttpClientOptions, HttpComponent, IgnoreMatcher, OutgoingRequestInfo } from './types';
