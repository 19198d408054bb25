// The hint printed before anything runs when hosts would log in as a user that is not root and
// have no become (the default user is now the local one, as with ssh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { notRootHints } from "../../../src/cli/connect.js";
import { defaultUser } from "../../../src/inventory/normalise.js";
import { replayHostSpec } from "../../support/replayTransport.js";

const host = (name: string, user: string, become = false) => ({ ...replayHostSpec(name), user, become });

test("the default user is the local user name, as OpenSSH's", () => {
  assert.equal(defaultUser(), userInfo().username);
});

test("one hint per user who is not root and has no become; root and become hosts need none", () => {
  const hints = notRootHints([
    host("a", "alice"),
    host("b", "alice"),
    host("c", "root"),
    host("d", "bob", true),
    host("e", "carol"),
    ...["f", "g", "h"].map((n) => host(n, "alice")),
  ]);
  assert.deepEqual(hints, [
    "5 host(s) log in as alice, not root, without become (a, b, f and 2 more): the host scripts need root; set become: true in the inventory or pass --become (sudo -n), or log in as root (user: root)",
    "1 host(s) log in as carol, not root, without become (e): the host scripts need root; set become: true in the inventory or pass --become (sudo -n), or log in as root (user: root)",
  ]);
  assert.deepEqual(notRootHints([host("c", "root"), host("d", "bob", true)]), []);
});
