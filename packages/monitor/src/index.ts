/**
 * @ha/monitor: the monitoring loop for Pacemaker, Corosync, HAProxy and
 * DRBD: probes (polled, and pushed by Pacemaker's alert agent and DRBD's
 * events2), one alert event when a condition starts and one when it ends,
 * sinks with durable delivery, Prometheus metrics, and the `ha-monitor` CLI.
 */
export { Monitor, createMonitor } from './monitor.js';
export type { MonitorOptions, MonitorSnapshot, ProbeStatus, OnceResult, OnceVerdict, Rule } from './monitor.js';
export { alertEventSchema, severitySchema, labelsSchema, fingerprintOf } from './model.js';
export type { AlertEvent, Condition, Labels, Severity } from './model.js';
export { AlertEngine, engineStateSchema } from './engine/alert-engine.js';
export type {
  AlertEngineOptions,
  AlertPolicy,
  Silence,
  InhibitRule,
  ActiveAlert,
  EngineState,
} from './engine/alert-engine.js';
export { parseMatchers, matchesAll, formatMatchers } from './engine/matchers.js';
export type { Matcher, MatchTarget } from './engine/matchers.js';
export { defaultPolicies, defaultInhibitRules, maintenanceAlertname } from './engine/defaults.js';
export type { Probe, ProbeResult, ProbeContext, WatchContext } from './probes/probe.js';
export { createPacemakerProbe, pacemakerConditions, pacemakerSamples } from './probes/pacemaker.js';
export type { PacemakerProbeOptions, PacemakerMemory, PacemakerEvaluationOptions } from './probes/pacemaker.js';
export {
  evaluateFencing,
  cannotFenceConditions,
  fencingSamples,
  completedAt,
  recordOfAlert,
  cannotFenceCodes,
} from './probes/fencing.js';
export type { FenceMemory, FenceRecord, FenceSource, OpenFencing } from './probes/fencing.js';
export { createCorosyncProbe, corosyncConditions, corosyncSamples } from './probes/corosync.js';
export type { CorosyncProbeOptions } from './probes/corosync.js';
export {
  createHaproxyProbe,
  haproxyConditions,
  haproxySamples,
  haproxyProbeColumns,
  certificateConditions,
  CertificateWatch,
} from './probes/haproxy.js';
export type {
  HaproxyProbeOptions,
  HaproxyRuleOptions,
  HaproxyObservation,
  WatchedCertificate,
} from './probes/haproxy.js';
export { createDrbdProbe, drbdConditions, drbdSamples, drbdInUse } from './probes/drbd.js';
export type { DrbdProbeOptions, SyncMemory } from './probes/drbd.js';
export type { Sink } from './sinks/sink.js';
export { formatEventText } from './sinks/sink.js';
export { createStdoutSink } from './sinks/stdout.js';
export { createCommandSink, alertEnvironment } from './sinks/command.js';
export { createWebhookSink, webhookSignature } from './sinks/webhook.js';
export type { WebhookSinkOptions } from './sinks/webhook.js';
export { createAlertmanagerSink, toAlertmanagerAlert } from './sinks/alertmanager.js';
export { createSyslogSink, rfc5424, syslogLevel } from './sinks/syslog.js';
export type { SyslogSinkOptions, SyslogFacility } from './sinks/syslog.js';
export { SinkDelivery } from './sinks/delivery.js';
export type { DeliveryOptions } from './sinks/delivery.js';
export { metricCatalog } from './metrics/catalog.js';
export type { MetricSample, MetricFamily, MetricName } from './metrics/catalog.js';
export { MetricsExposition } from './metrics/exposition.js';
export { createRequestHandler, serveMonitor, parseListen, type ServeOptions } from './http.js';
export {
  parseWebConfig,
  type WebConfig,
  type WebTlsConfig,
  type ClientAuthType,
  type TlsVersionName,
  type PemSource,
  type RateLimit,
} from './web/web-config.js';
export { WebGuard, parseBasicAuthorization, type Refusal, type RefusedAnswer } from './web/guard.js';
export { auditRefusals } from './web/audit.js';
export {
  parseHaproxyLogLine,
  parseLogListen,
  HaproxyLogListener,
  type HaproxyLogEvent,
  type LogLineOutcome,
  type LogLineCounts,
} from './probes/haproxy-log.js';
export { monitorConfigSchema, parseMonitorConfig, loadMonitorConfig, buildMonitor, parseLabels } from './config.js';
export type { MonitorConfig, BuiltMonitor } from './config.js';
export { AlertReceiver, pacemakerAlertSchema } from './pacemaker-alert/receiver.js';
export type { PacemakerAlert, AlertReceiverHandlers, AlertReceiverOptions } from './pacemaker-alert/receiver.js';
export {
  registerAlertAgent,
  unregisterAlertAgent,
  writeAgentLauncher,
  agentModuleUrl,
  defaultAlertId,
} from './pacemaker-alert/register.js';
export type { RegisterAlertOptions } from './pacemaker-alert/register.js';
export { forwardAlert } from './pacemaker-alert/agent.js';
export { parseFenceAlert } from './pacemaker-alert/fence-event.js';
export type { FenceAlert, FenceAlertParseReason } from './pacemaker-alert/fence-event.js';
export { monitorTools } from './tools.js';
