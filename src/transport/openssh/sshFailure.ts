// What `ssh` exiting with status 255 said on stderr, as the HostError kinds of the ssh2 transport.
import { HostError, type HostErrorKind } from "../../errors.js";

const KINDS: [RegExp, HostErrorKind][] = [
  [
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* (changed|revoked)|No \S+ host key is known/i,
    "hostkey",
  ],
  [/Permission denied|Too many authentication failures|no mutual signature|Authentication failed/i, "auth"],
  [/Connection timed out|Operation timed out|timed out during banner exchange/i, "timeout"],
  [
    /Connection refused|No route to host|Network is unreachable|Could not resolve|Name or service not known|Connection reset|Connection closed|closed by remote host|kex_exchange_identification|Broken pipe|Control socket connect|Connection to .* closed/i,
    "unreachable",
  ],
];

/** The kind of an ssh failure, from its stderr; undefined when stderr names none of them. */
export function sshFailureKind(stderr: string): HostErrorKind | undefined {
  return KINDS.find(([pattern]) => pattern.test(stderr))?.[1];
}

/** The HostError for an ssh run that exited 255 before (or instead of) running the script. */
export function sshFailure(hostName: string, stderr: string, what: string): HostError {
  const said = lastLines(stderr);
  const kind = sshFailureKind(stderr) ?? "unreachable";
  return new HostError(kind, hostName, `${hostName}: ${what}: ssh: ${said || "exited with status 255"}`);
}

/** The message lines of ssh's stderr, without the @@@ banner of a changed key. */
function lastLines(stderr: string): string {
  return stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("@@@"))
    .slice(-3)
    .join("; ");
}

/**
 * ssh's own lines about the master, not the script's: a session the server refused (a MaxSessions
 * below ours) makes ssh say so and fall back to a connection of its own, and the script still runs.
 */
const MUX_NOISE =
  /^(?:mux_client_[a-z_]+: .*|ControlSocket .* already exists, disabling multiplexing)\r?\n/gm;

/** A script's stderr without ssh's lines about the master. */
export function withoutMuxNoise(stderr: string): string {
  return stderr.includes("mux") || stderr.includes("ControlSocket") ? stderr.replace(MUX_NOISE, "") : stderr;
}
