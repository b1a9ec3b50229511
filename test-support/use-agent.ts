/**
 * `useAgent()`: the receiver every integration test needs, started and closed by jest hooks it registers, with the
 * apps of startApp stopped before the receiver closes. Call it at the top of a file or a describe block.
 */
import { startAgent, type AgentOptions, type AgentReceiver, type DecodedSpan, type Trace } from '@spanwise/agent';
import { stopAllApps } from './apps';

export interface UseAgentOptions extends Pick<AgentOptions, 'collectorPort' | 'otlpPort' | 'onSpans'> {
  /**
   * 'suite' (default): one receiver for the file or describe block (beforeAll/afterAll).
   * 'test': a fresh receiver for every test, and its apps stopped after it (beforeEach/afterEach).
   */
  scope?: 'suite' | 'test';
  /** With scope 'suite': forget the spans received before each test. */
  clearBeforeEach?: boolean;
}

/** The receiver of the running suite or test; reading it outside a test or hook throws. */
class AgentHandle implements AgentReceiver {
  current: AgentReceiver | undefined;

  private get receiver(): AgentReceiver {
    if (!this.current) throw new Error('useAgent(): the receiver exists only inside tests and hooks (it starts in beforeAll/beforeEach)');
    return this.current;
  }
  get port(): number {
    return this.receiver.port;
  }
  get collectorPort(): number | undefined {
    return this.receiver.collectorPort;
  }
  get otlpPort(): number | undefined {
    return this.receiver.otlpPort;
  }
  get spans(): DecodedSpan[] {
    return this.receiver.spans;
  }
  get packets(): number {
    return this.receiver.packets;
  }
  get errors(): number {
    return this.receiver.errors;
  }
  get lastError(): string | undefined {
    return this.receiver.lastError;
  }
  waitForSpans(predicate: number | ((spans: DecodedSpan[]) => boolean), timeoutMs?: number): Promise<DecodedSpan[]> {
    return this.receiver.waitForSpans(predicate, timeoutMs);
  }
  traces(): Trace[] {
    return this.receiver.traces();
  }
  clear(): void {
    this.receiver.clear();
  }
  close(): Promise<void> {
    return this.receiver.close();
  }
}

/**
 * Registers the hooks that start a receiver on free ports (UDP, plus collector/OTLP ports when asked) and stop
 * every startApp app and the receiver afterwards; returns the receiver to use in tests (and in tracingEnv).
 */
export function useAgent(options: UseAgentOptions = {}): AgentReceiver {
  const { scope = 'suite', clearBeforeEach = false, ...agentOptions } = options;
  const handle = new AgentHandle();
  const start = async () => {
    handle.current = await startAgent({ port: 0, ...agentOptions });
  };
  const stop = async () => {
    await stopAllApps();
    await handle.current?.close();
    handle.current = undefined;
  };
  if (scope === 'test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
    if (clearBeforeEach) beforeEach(() => handle.clear());
  }
  return handle;
}
