import type { Span } from 'opentracing';
import { defineInstrumentation, optionKeys, optionRules } from '@spanwise/trace-core';
import { ClientCall, finishSpan, getActiveSpan, reportFault, unwrapMethod, withSpan } from '@spanwise/trace-core';
import type { ClientLike, CommandLike, IoredisTracingOptions, PipelineLike } from './types';
import { addNodePeer, endPipeline, redisCall, resolveOptions, startCommandSpan, startConnectSpan, startPipelineSpan } from './utils';

/* eslint-disable @typescript-eslint/no-explicit-any -- ioredis internals (commands, pipelines) are untyped: wrappers pass their arguments as they come */
type AnyFunction = (...args: any[]) => any;
type Constructor = { prototype: object } | undefined;
interface IoredisExports {
  prototype?: object;
  Cluster?: Constructor;
  Pipeline?: Constructor;
}

/** On a Command: its span (null: part of a traced pipeline), so a command resent (offline queue, cluster
 * redirection, reconnect) is traced once; `peer` tells whether the peer tags are set. */
const kCommand = Symbol('spanwise.ioredis.command');
const kPipeline = Symbol('spanwise.ioredis.pipeline');
/** On a Pipeline that ioredis made for auto-pipelining (enableAutoPipelining). */
const kAutoPipeline = Symbol('spanwise.ioredis.autoPipeline');
interface CommandState {
  span: Span;
  peer: boolean;
}
type Traced<T> = T & { [kCommand]?: CommandState | null; [kPipeline]?: Span | null; [kAutoPipeline]?: boolean };

/**
 * Where ioredis is hooked: every command of a client goes through `sendCommand` (Redis and Cluster), the span
 * starts there, in the caller's context, even when the command waits in the offline queue for the connection;
 * it ends when the command's reply settles it (its own resolve/reject, so the app's promise is untouched).
 * A pipeline or MULTI is one span from `Pipeline#exec`; its commands make no spans of their own, except in
 * auto-pipelines, which mix the commands of many requests: there each command keeps its own span.
 * `connect` runs outside the request, so the socket and the handshake commands (AUTH, SELECT, INFO,
 * CLIENT SETINFO) belong to no request and make no spans; a connect made inside a request gets a span.
 */
export const instrumentation = defineInstrumentation({
  name: 'ioredis',
  packageName: '@spanwise/trace-ioredis',
  hooks: [{ module: 'ioredis', versions: '>=5.0.0 <7', patch: patchExports, unpatch: unpatchExports }],
  options: {
    keys: optionKeys<IoredisTracingOptions>({ statement: true, maxStatementLength: true }),
    rules: { statement: optionRules.oneOf(['key', 'command'], true), maxStatementLength: optionRules.positiveInteger },
    resolve: resolveOptions,
  },
});

/** Trace ioredis (already loaded or loaded later). Idempotent; a second call only updates the options. */
export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;

function patchExports(moduleExports: IoredisExports): void {
  for (const client of [moduleExports.prototype, moduleExports.Cluster?.prototype]) {
    instrumentation.wrap(client, 'sendCommand', wrapSendCommand);
    instrumentation.wrap(client, 'connect', wrapConnect);
  }
  instrumentation.wrap(moduleExports.Pipeline?.prototype, 'exec', wrapExec);
  instrumentation.wrap(moduleExports.Pipeline?.prototype, 'sendCommand', wrapPipelineSendCommand);
}

function unpatchExports(moduleExports: IoredisExports): void {
  for (const client of [moduleExports.prototype, moduleExports.Cluster?.prototype]) {
    unwrapMethod(client, 'sendCommand');
    unwrapMethod(client, 'connect');
  }
  unwrapMethod(moduleExports.Pipeline?.prototype, 'exec');
  unwrapMethod(moduleExports.Pipeline?.prototype, 'sendCommand');
}

function wrapSendCommand(original: AnyFunction): AnyFunction {
  return function tracedSendCommand(this: ClientLike, command: Traced<CommandLike>, ...rest: unknown[]) {
    if (!command || typeof command !== 'object') return original.call(this, command, ...rest);
    const state = command[kCommand];
    if (state !== undefined) {
      // Sent again (offline queue flush, cluster node, retry): already traced. A cluster span learns its node here.
      if (state && !state.peer && !this.isCluster) addPeer(state, this);
      return original.call(this, command, ...rest);
    }
    traceCommand(this, command);
    return original.call(this, command, ...rest);
  };
}

function traceCommand(client: ClientLike, command: Traced<CommandLike>): void {
  try {
    const span = startCommandSpan(client, command, instrumentation.options);
    if (span) {
      command[kCommand] = { span, peer: !client.isCluster };
      settleWith(command, redisCall(span), endCommand);
    }
  } catch (error) {
    reportFault('ioredis sendCommand', error);
  }
}

/**
 * Auto-pipelining (enableAutoPipelining) batches the commands of many requests into one pipeline, queued here
 * in each request's context: those commands get their own spans, and the batch none.
 */
function wrapPipelineSendCommand(original: AnyFunction): AnyFunction {
  return function tracedPipelineSendCommand(this: Traced<PipelineLike>, command: Traced<CommandLike>, ...rest: unknown[]) {
    if (command && typeof command === 'object' && command[kCommand] === undefined && isAutoPipeline(this)) traceCommand(this.redis ?? {}, command);
    return original.call(this, command, ...rest);
  };
}

/** Whether ioredis made this pipeline for auto-pipelining: it sits in the client's `_autoPipelines` until run. */
function isAutoPipeline(pipeline: Traced<PipelineLike>): boolean {
  if (pipeline[kAutoPipeline] !== undefined) return pipeline[kAutoPipeline];
  const autoPipelines = (pipeline.redis as { _autoPipelines?: unknown } | undefined)?._autoPipelines;
  let found = false;
  if (autoPipelines instanceof Map) for (const candidate of autoPipelines.values()) if (candidate === pipeline) found = true;
  pipeline[kAutoPipeline] = found;
  return found;
}

function addPeer(state: CommandState, client: ClientLike): void {
  state.peer = true;
  addNodePeer(state.span, client);
}

interface Settleable {
  resolve?: (value: unknown) => unknown;
  reject?: (error: unknown) => unknown;
}

/**
 * End the call when the reply (or failure) settles `target` (a Command or a Pipeline): wraps its own resolve and
 * reject, so the app's promise is untouched. `onResolve` records what a reply says (a pipeline's failed commands).
 */
function settleWith(target: Settleable, call: ClientCall, onResolve: (call: ClientCall, value: unknown) => void): void {
  const { resolve, reject } = target;
  if (typeof resolve !== 'function' || typeof reject !== 'function') {
    call.end();
    return;
  }
  target.resolve = function (this: unknown, value: unknown) {
    onResolve(call, value);
    return resolve.apply(this, arguments as unknown as [unknown]);
  };
  target.reject = function (this: unknown, error: unknown) {
    call.end(error);
    return reject.apply(this, arguments as unknown as [unknown]);
  };
}

function endCommand(call: ClientCall): void {
  call.end();
}

function wrapExec(original: AnyFunction): AnyFunction {
  return function tracedExec(this: Traced<PipelineLike>, ...args: unknown[]) {
    try {
      // An auto-pipeline's commands were traced one by one as they were queued: no batch span.
      const auto = this[kAutoPipeline] === true;
      if (!auto && this[kPipeline] === undefined) {
        const span = startPipelineSpan(this, instrumentation.options);
        this[kPipeline] = span ?? null;
        if (span) settleWith(this, redisCall(span), endPipeline);
      }
      // Commands not traced yet stay so when the batch is sent. exec runs more than once for MULTI and
      // cluster retries, and the EXEC command joins the queue late: mark on every run.
      if (auto || this[kPipeline]) for (const command of this._queue ?? []) if ((command as Traced<CommandLike>)[kCommand] === undefined) (command as Traced<CommandLike>)[kCommand] = null;
    } catch (error) {
      reportFault('ioredis pipeline', error);
    }
    return original.apply(this, args);
  };
}

const CONNECTED_STATES = new Set(['connecting', 'connect', 'ready']);

function wrapConnect(original: AnyFunction): AnyFunction {
  return function tracedConnect(this: ClientLike, ...args: unknown[]) {
    if (!getActiveSpan()) return original.apply(this, args);
    try {
      if (!CONNECTED_STATES.has(this.status ?? '')) endConnectSpanOnEvents(this, startConnectSpan(this));
    } catch (error) {
      reportFault('ioredis connect', error);
    }
    // The connection outlives the request that happened to open it: its socket events run in no request.
    return withSpan(undefined, () => original.apply(this, args));
  };
}

/** `ready` ends the span; `close` or `end` first means the attempt failed. Listening changes nothing for the app. */
function endConnectSpanOnEvents(client: ClientLike, span: Span | undefined): void {
  if (!span || typeof client.once !== 'function' || typeof client.removeListener !== 'function') {
    finishSpan(span);
    return;
  }
  const call = new ClientCall(span);
  const onReady = () => settle();
  const onClose = () => settle(new Error('connection closed before ready'));
  const settle = (error?: Error) => {
    client.removeListener!('ready', onReady);
    client.removeListener!('close', onClose);
    client.removeListener!('end', onClose);
    call.end(error);
  };
  client.once('ready', onReady);
  client.once('close', onClose);
  client.once('end', onClose);
}
