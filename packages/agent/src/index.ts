/**
 * @spanwise/agent — a local receiver of the Jaeger agent protocol.
 * See docs/agent.md.
 */
export type { DecodedLog, DecodedReference, DecodedSpan, Trace, TagValue } from './types';
export { ZERO_SPAN_ID } from './types';
export { decodeAgentPacket, decodeBatch, agentThriftPath } from './decode';
export { normalizeId } from './ids';
export { decodeOtlpProtobuf, decodeOtlpJson } from './otlp';
export { startAgent } from './receiver';
export type { AgentReceiver, AgentOptions } from './receiver';
export { groupTraces, selfTime } from './traces';
export { renderWaterfall } from './waterfall';
export type { WaterfallOptions } from './waterfall';
export { toJaegerJson } from './jaeger-json';
export type { JaegerJson, JaegerTrace, JaegerSpan, JaegerKeyValue, JaegerReference } from './jaeger-json';
export { TraceStore, estimateSpanBytes } from './store';
export type { TraceStoreOptions, TraceSummary, TraceFilter, TraceStoreStats } from './store';
export { fromJaegerJson, JaegerJsonError } from './jaeger-import';
export { startViewer, DEFAULT_VIEWER_PORT } from './ui/server';
export type { Viewer, ViewerOptions } from './ui/server';
export { buildTree, criticalPath, percentile, selfIntervals, timeByOperation } from './timing';
export type { TimedSpan, CriticalSegment, TimeRow } from './timing';
