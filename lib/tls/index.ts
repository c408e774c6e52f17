/** Certificate checks that explain PKIX failures: probe, chain analysis, verdict, JVM fix, scheduled runs. */
export { checkEndpoint, DEFAULT_TIMEOUT_MS, DEFAULT_WARN_DAYS, type CheckOptions } from './check.ts';
export { probe, sniFor, addressOf, type ProbeTarget, type ProbeResult, type ProbeOptions } from './probe.ts';
export { analyzeChain, type ChainAnalysis, type ChainCert, type TrustFinding } from './chain-analysis.ts';
export { judge, JAVA_PKIX_BUILD } from './verdict.ts';
export { chooseAnchor, jvmFix, keytoolCommands } from './jvm-fix.ts';
export { createIssuerFetcher, caIssuersUrls, type IssuerFetcher } from './aia-fetch.ts';
export { exportPem, exportPkcs12, exportTruststore, EXPORT_FORMATS, TRUSTSTORE_PASSWORD, type ExportFormat } from './truststore-export.ts';
export { PROTOCOLS, defaultPort, isProtocol, protocolLabel, startTlsKind, type Protocol } from './protocols.ts';
export { VERDICTS, type Verdict, type CheckReport, type ChainEntry, type JvmFix } from './report.ts';
export {
  createEndpointStore,
  ENDPOINT_ITEMS,
  endpointInput,
  MAX_ENDPOINTS,
  type Endpoint,
  type EndpointInput,
  type EndpointResult,
  type EndpointState,
  type EndpointStore,
} from './endpoints.ts';
export { alertFor, stateOf } from './endpoint-state.ts';
export { emfEndpointMetrics, type EndpointMetrics } from './metrics.ts';
export { checkAndRecord, runScheduledChecks, DEFAULT_CONCURRENCY, type CheckDeps, type RunSummary } from './scheduled-run.ts';
export { mapBounded } from './concurrency.ts';
export { ENDPOINTS_PER_MESSAGE, checkMessageBody, checkMessages, parseCheckMessage, type CheckMessage, type CheckQueue } from './check-queue.ts';
export { consumeCheckMessages, type CheckBatchSummary, type QueuedMessage } from './check-fan-out.ts';
export { enqueueScheduledChecks, type FanOutSummary } from './check-enqueue.ts';
export {
  TlsCheckError,
  ConnectFailedError,
  ProbeTimeoutError,
  StartTlsRefusedError,
  TlsHandshakeError,
  InvalidTargetError,
  EndpointNotFoundError,
  ExportError,
} from './errors.ts';
