/**
 * @spanwise/trace-http: client spans for outgoing HTTP (http/https request and get, global fetch), with trace
 * headers injected into a copy of the caller's headers; and server spans for plain http/https servers.
 */
export { instrumentation, patch, unpatch, isEnabled, isPatched, patchedVersions } from './instrumentation';
export { serverInstrumentation, patchServer, unpatchServer, HTTP_SERVER_COMPONENT } from './server';
export type { HttpClientOptions, HttpComponent, IgnoreMatcher, OutgoingRequestInfo } from './types';
