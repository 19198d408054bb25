// The ssh command line of the openssh transport, and what `ssh -G` output sends a host to it.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HostSpec } from "../../../../src/inventory/types.js";
import { sshArguments, type SshArgumentSettings } from "../../../../src/transport/openssh/sshArguments.js";
import { sshFailureKind, withoutMuxNoise } from "../../../../src/transport/openssh/sshFailure.js";
import { parseKnownHosts } from "../../../../src/transport/hostKeys/knownHostsFile.js";
import {
  chooseTransports,
  describeChoices,
  knownHostsOfSshG,
  opensshOnlySettings,
  sshGValues,
  trustedOnlyThroughCertificateAuthority,
} from "../../../../src/transport/transportChoice.js";

const settings: SshArgumentSettings = {
  hostKeyPolicy: "strict",
  connectTimeoutMs: 15_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  controlPersistSeconds: 60,
};

function host(overrides: Partial<HostSpec>): HostSpec {
  return {
    name: "web1",
    address: "10.0.0.5",
    port: 2222,
    user: "admin",
    identityFiles: ["/k/id"],
    groups: [],
    become: false,
    jump: [{ address: "bastion", port: 22, user: "jump", identityFiles: [] }],
    ...overrides,
  };
}

test("only what the inventory or a flag set is passed; ssh_config does the rest, matched on the inventory name", () => {
  const args = sshArguments(host({ explicit: [] }), "/tmp/d/1", settings);
  assert.deepEqual(args.slice(-2), ["--", "web1"]);
  for (const flag of ["-l", "-p", "-i", "-J", "-F"]) assert.ok(!args.includes(flag), flag);
  assert.ok(args.includes("BatchMode=yes") && args.includes("ControlPath=/tmp/d/1"));
  assert.ok(args.includes("StrictHostKeyChecking=yes") && args.includes("ConnectTimeout=15"));
  assert.ok(!args.some((a) => a.startsWith("UserKnownHostsFile=")));
});

test("explicit fields become options: address as destination, -l, -p, -i with IdentitiesOnly, -J", () => {
  const args = sshArguments(
    host({ explicit: ["address", "port", "user", "identityFiles", "jump"] }),
    "/tmp/d/2",
    { ...settings, configFile: "/c/ssh_config", knownHostsFile: "/c/kh", hostKeyPolicy: "accept-new" },
  );
  assert.deepEqual(args.slice(0, 2), ["-F", "/c/ssh_config"]);
  const joined = args.join(" ");
  assert.match(
    joined,
    /-l admin -p 2222 -i \/k\/id -o IdentitiesOnly=yes -J jump@bastion:22 -- 10\.0\.0\.5$/,
  );
  assert.ok(args.includes("StrictHostKeyChecking=accept-new") && args.includes("UserKnownHostsFile=/c/kh"));
});

test("host-key policy off: no checking and no known_hosts written", () => {
  const args = sshArguments(host({}), "/s", { ...settings, hostKeyPolicy: "off", knownHostsFile: "/c/kh" });
  assert.ok(args.includes("StrictHostKeyChecking=no") && args.includes("UserKnownHostsFile=/dev/null"));
});

test("ssh's stderr on exit 255 maps onto the ssh2 transport's kinds", () => {
  assert.equal(sshFailureKind("Host key verification failed.\r\n"), "hostkey");
  assert.equal(
    sshFailureKind("@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"),
    "hostkey",
  );
  assert.equal(sshFailureKind("u@127.0.0.1: Permission denied (publickey).\r\n"), "auth");
  assert.equal(
    sshFailureKind("ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n"),
    "unreachable",
  );
  assert.equal(
    sshFailureKind("ssh: Could not resolve hostname nowhere: Name or service not known\r\n"),
    "unreachable",
  );
  assert.equal(sshFailureKind("ssh: connect to host 10.1.1.1 port 22: Connection timed out\r\n"), "timeout");
  assert.equal(sshFailureKind("a script's own words\n"), undefined);
});

test("auto: ssh -G settings only the system ssh honours, and the note naming them", () => {
  const defaults = "user root\nhostname x\ncontrolmaster false\ngssapiauthentication no\ncontrolpersist no\n";
  assert.deepEqual(opensshOnlySettings(defaults), []);
  assert.deepEqual(
    opensshOnlySettings(`${defaults}proxycommand ssh -W %h:%p b\ncertificatefile ~/.ssh/id-cert.pub\n`),
    ["ProxyCommand", "CertificateFile"],
  );
  assert.deepEqual(opensshOnlySettings("gssapiauthentication yes\n"), [], "no Kerberos ticket");
  assert.deepEqual(opensshOnlySettings("gssapiauthentication yes\ncontrolpath ~/.ssh/cm-%C\n", true), [
    "GSSAPIAuthentication",
    "Control*",
  ]);
  const note = describeChoices(
    new Map([
      ["a", { transport: "openssh", why: "ProxyCommand" }],
      ["b", { transport: "ssh2" }],
    ]),
  );
  assert.equal(
    note,
    "--transport auto: openssh for 1 host(s) whose ssh_config sets ProxyCommand (a); ssh2 for the other 1",
  );
  assert.equal(describeChoices(new Map([["b", { transport: "ssh2" }]])), null);
});

test("a host's own transport (inventory) wins over --transport", async () => {
  const choices = await chooseTransports(
    [host({ name: "a", transport: "openssh" }), host({ name: "b" })],
    "ssh2",
  );
  assert.deepEqual(choices.get("a"), { transport: "openssh", why: "the inventory says so" });
  assert.deepEqual(choices.get("b"), { transport: "ssh2" });
});

test("ssh's lines about a refused mux session are not the script's stderr", () => {
  const noise =
    "mux_client_request_session: session request failed: Session open refused by peer\r\n" +
    "ControlSocket /tmp/nfdebug-ssh-x/1 already exists, disabling multiplexing\r\n";
  assert.equal(withoutMuxNoise(`${noise}the script's own\n`), "the script's own\n");
  assert.equal(withoutMuxNoise("a mux of words\n"), "a mux of words\n");
});

test("the inventory's ProxyCommand is passed to ssh and sends the host the openssh way; ssh_config's is left to ssh", async () => {
  const fromInventory = host({
    proxyCommand: { command: "gw %h %p", where: "inv:3", source: "inventory" },
    jump: [],
  });
  const args = sshArguments(fromInventory, "/tmp/d/1", settings);
  assert.equal(args[args.indexOf("ProxyCommand=gw %h %p") - 1], "-o");
  const fromConfig = host({ proxyCommand: { command: "gw %h %p", where: "cfg:2", source: "ssh_config" } });
  assert.ok(!sshArguments(fromConfig, "/tmp/d/1", settings).some((a) => a.startsWith("ProxyCommand")));

  const choices = await chooseTransports([fromInventory], "auto");
  assert.deepEqual(choices.get("web1"), { transport: "openssh", why: "ProxyCommand (in the inventory)" });
  assert.equal(
    describeChoices(choices),
    "--transport auto: openssh for 1 host(s) whose inventory entry sets ProxyCommand (web1); ssh2 for the other 0",
  );
});

test("ssh -G names the known_hosts files and name; a host vouched for only by @cert-authority needs ssh", () => {
  const sshG =
    "hostname Web1.Example\nport 2222\nuserknownhostsfile /u/kh /u/kh2\nglobalknownhostsfile /etc/ssh/ssh_known_hosts\n";
  assert.deepEqual(knownHostsOfSshG(sshGValues(sshG), undefined), {
    files: ["/u/kh", "/u/kh2", "/etc/ssh/ssh_known_hosts"],
    name: "[web1.example]:2222",
  });
  assert.deepEqual(knownHostsOfSshG(sshGValues(`${sshG}hostkeyalias Gate\n`), "/mine"), {
    files: ["/mine", "/etc/ssh/ssh_known_hosts"],
    name: "gate",
  });
  const key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
  const files = [
    parseKnownHosts(`@cert-authority [*.example]:* ssh-ed25519 ${key}\n`, "global"),
    parseKnownHosts(`[db.example]:2222 ssh-ed25519 ${key}\n`, "user"),
  ];
  assert.equal(trustedOnlyThroughCertificateAuthority(files, "[web1.example]:2222"), true);
  assert.equal(trustedOnlyThroughCertificateAuthority(files, "[db.example]:2222"), false, "a plain key too");
  assert.equal(trustedOnlyThroughCertificateAuthority(files, "web1.example"), false, "not on port 22");
  assert.equal(
    describeChoices(new Map([["w", { transport: "openssh", why: "@cert-authority" }]])),
    "--transport auto: openssh for 1 host(s) known only through @cert-authority in known_hosts (host certificates) (w); ssh2 for the other 0",
  );
});
