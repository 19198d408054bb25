// ~/.ssh/config support (issue 9): our own small reader, because the npm `ssh-config` package
// runs `Match exec` commands and ignores Include. See sshConfig/ for the parts.
export {
  defaultSshConfigPath,
  systemSshConfigPath,
  loadSshConfig,
  parseSshConfig,
  type SshConfig,
} from "./sshConfig/configTree.js";
export { resolveSshConfig, type ResolvedSshConfig } from "./sshConfig/resolveHost.js";
export { parseProxyJump, formatJumpSpec, type JumpSpec } from "./sshConfig/proxyJump.js";
export {
  applySshConfigToHost,
  mergeSshConfig,
  type ConnectionFields,
  type MergeSources,
  type SshFields,
} from "./sshConfig/mergeIntoHost.js";
export { ignoredDirectivesWarning, ignoredLinesWarning } from "./sshConfig/ignoredDirectives.js";
export type { ConfigLine } from "./sshConfig/configLines.js";
