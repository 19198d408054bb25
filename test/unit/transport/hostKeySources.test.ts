// Precedence of the host-key settings: nfdebug's own options > the host's ssh_config > defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hostKeySources } from "../../../src/transport/hostKeys/hostKeySources.js";

const home = "/home/u";
const fromConfig = {
  userKnownHostsFiles: ["/a", "/b"],
  globalKnownHostsFiles: ["/g"],
  policy: "accept-new" as const,
  policyFrom: "cfg:3",
};

test("defaults: ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts, strict, [host]:port", () => {
  assert.deepEqual(hostKeySources({ home }, undefined, "10.0.0.1", 2222), {
    userFiles: ["/home/u/.ssh/known_hosts"],
    globalFiles: ["/etc/ssh/ssh_known_hosts"],
    policy: "strict",
    name: "[10.0.0.1]:2222",
  });
});

test("ssh_config wins over the defaults", () => {
  assert.deepEqual(hostKeySources({ home }, fromConfig, "Web1", 22), {
    userFiles: ["/a", "/b"],
    globalFiles: ["/g"],
    policy: "accept-new",
    policyFrom: "cfg:3",
    name: "web1",
  });
});

test("explicit options win over ssh_config; HostKeyAlias replaces host and port", () => {
  const explicit = { home, knownHostsFile: "/flag", globalKnownHostsFiles: [], policy: "strict" as const };
  assert.deepEqual(hostKeySources(explicit, { ...fromConfig, alias: "Pinned-Name" }, "10.0.0.1", 2222), {
    userFiles: ["/flag"],
    globalFiles: [],
    policy: "strict",
    name: "pinned-name",
  });
});
