// Public surface of host discovery and guarding, for the CLI and the app's Servers view.
export { hostsCommand, HOSTS_HELP, renderScan, redact, type HostsIo } from './command';
export { scanHosts, allServers, type ScanOptions } from './scan';
export {
  planInstall,
  planUninstall,
  applyPlan,
  type Plan,
  type Selection,
  type ServerChange,
  type FilePlan,
  type ApplyResult,
} from './plan';
export { diffScans, type ScanEvent } from './watch';
export { watchTargets, userTargets, projectTargets, HOST_LABELS } from './paths';
export { gradeServer, type PostureInput } from './posture';
export { wrapLaunch, unwrapLaunch } from './wrap';
export { unifiedDiff } from './unifiedDiff';
export * from './types';
