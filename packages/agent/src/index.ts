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
