/**
 * The test kit shared by every package's tests (and, through its build, by scripts/demo.js and bench): real
 * processes reporting over real UDP to an in-test Jaeger agent receiver (@spanwise/agent), and queries over the
 * decoded spans. docs/testing.md lists what is here.
 */
export { startAgent, type AgentReceiver, type DecodedSpan } from '@spanwise/agent';
export { ROOT, httpGet, runScript, startApp, stopAllApps, tracingEnv, type RunningApp } from './apps';
export { spawnListening, type ListeningProcess, type ProcessExit, type SpawnListeningOptions } from './processes';
export { runScenario } from './scenario';
export { childrenOf, childrenOfRequest, errorLog, onlyChildOf, requestSpan, requireErrorLog, spansUntilMarker, traceSpans, waitForRequests } from './spans';
export { useAgent, type UseAgentOptions } from './use-agent';
