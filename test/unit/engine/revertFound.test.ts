// What a revert found on the host is data (found), not message text: a runbook tells "reverted by
// its timer" (expired) from "reverted now" by it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { interpretRevert } from "../../../src/engine/revert.js";

test("revert says whether it found the window, none, or another one", () => {
  const found = (stdout: string) => interpretRevert("h001", stdout, "", 0).found;
  assert.equal(found("@@revert\tnone"), "none");
  assert.equal(found("@@revert\tother\t20261125T120000-abcd"), "other");
  assert.equal(
    found(
      "@@restored\tsysctl\tnet/netfilter/nf_conntrack_log_invalid\t6\t0\n@@revert\tdone\t20261125T120000-abcd",
    ),
    "window",
  );
  assert.equal(found("@@revert\tdone\t20261125T120000-abcd"), "window");
});
