// The script cases every transport passes the same way (sshTransport.basic.test.ts for ssh2,
// opensshTransport.test.ts for the system ssh): stdin, exit codes, streaming, timeouts, followUp.
// The connection's host is named t1 and logs in as userName().
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../../src/errors.js";
import type { Connection } from "../../../../src/transport/types.js";

export function scriptCases(conn: () => Connection, userName: () => string): void {
  test("runs a script through sh -s and returns stdout, stderr and the exit code", async () => {
    const result = await conn().runScript("echo out; echo err >&2; id -un; exit 3\n");
    assert.equal(result.stdout, `out\n${userName()}\n`);
    assert.equal(result.stderr, "err\n");
    assert.equal(result.code, 3);
  });

  test("the script arrives byte for byte on stdin (quotes, dollars, backslashes, UTF-8)", async () => {
    const text = `it's "q" $HOME \\n \`x\` ünïcødé`;
    const result = await conn().runScript(`cat <<'EOF'\n${text}\nEOF\n`);
    assert.equal(result.stdout, text + "\n");
  });

  test("streams 100,000 lines to onStdoutLine without collecting stdout", async () => {
    let count = 0;
    let lastLine = "";
    let inOrder = true;
    const result = await conn().runScript(
      'i=1; while [ $i -le 100000 ]; do echo "line $i"; i=$((i+1)); done\n',
      {
        timeoutMs: 60_000,
        onStdoutLine: (line) => {
          count++;
          if (line !== `line ${count}`) inOrder = false;
          lastLine = line;
        },
      },
    );
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "");
    assert.equal(count, 100_000);
    assert.equal(lastLine, "line 100000");
    assert.ok(inOrder, "every line arrives whole and in order");
  });

  test("a last line without newline still reaches onStdoutLine", async () => {
    const lines: string[] = [];
    await conn().runScript("printf 'a\\nb'\n", { onStdoutLine: (l) => lines.push(l) });
    assert.deepEqual(lines, ["a", "b"]);
  });

  test("a command that runs too long fails with kind timeout, and the connection stays usable", async () => {
    const started = Date.now();
    await assert.rejects(conn().runScript("sleep 30\n", { timeoutMs: 500 }), (err: unknown) => {
      assert.ok(err instanceof HostError);
      assert.equal(err.kind, "timeout");
      assert.match(err.message, /t1: the script did not finish within 500 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
    const after = await conn().runScript("echo still here\n");
    assert.equal(after.stdout, "still here\n");
  });

  test("a streamed read is timed from its last output: one that keeps sending outlasts its timeout, one that falls silent fails", async () => {
    const lines: string[] = [];
    // 8 lines 200 ms apart: 1.6 s in all against a 600 ms timeout.
    const steady = await conn().runScript(
      "i=1; while [ $i -le 8 ]; do echo tick $i; sleep 0.2; i=$((i+1)); done\n",
      { timeoutMs: 600, onStdoutLine: (l) => lines.push(l) },
    );
    assert.equal(steady.code, 0);
    assert.equal(lines.length, 8);

    const started = Date.now();
    await assert.rejects(
      conn().runScript("echo first; sleep 30\n", { timeoutMs: 600, onStdoutLine: () => undefined }),
      (err: unknown) => {
        assert.ok(err instanceof HostError);
        assert.equal(err.kind, "timeout");
        assert.match(err.message, /t1: the script sent no output for 600 ms/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000);
  });
  test("followUp: the second script runs in the same shell, chosen from the first one's output", async () => {
    let seen = "";
    const result = await conn().runScript("FIRST=$$; echo pid=$$; echo @@marker\n", {
      followUp: {
        afterLine: "@@marker",
        next: (stdout) => {
          seen = stdout;
          return 'echo "same shell: $([ "$FIRST" = $$ ] && echo yes)"; exit 4';
        },
      },
    });
    assert.match(seen, /^pid=\d+\n@@marker\n$/);
    assert.match(result.stdout, /^pid=\d+\n@@marker\nsame shell: yes\n$/);
    assert.equal(result.code, 4);
  });

  test("followUp: a command in the first script cannot read the second one from stdin", async () => {
    const result = await conn().runScript("echo read:$(cat | wc -c); echo @@marker\n", {
      // Without the protection cat would wait for EOF, which only comes after the second script.
      timeoutMs: 10_000,
      followUp: { afterLine: "@@marker", next: () => "echo second ran" },
    });
    assert.equal(result.stdout, "read:0\n@@marker\nsecond ran\n");
  });

  test("followUp: null ends the shell after the first script; a throw rejects with that error", async () => {
    const none = await conn().runScript("echo @@marker; echo after\n", {
      followUp: { afterLine: "@@marker", next: () => null },
    });
    assert.equal(none.stdout, "@@marker\nafter\n");
    assert.equal(none.code, 0);
    const refusal = new HostError("unsupported", "t1", "planned nothing");
    await assert.rejects(
      conn().runScript("echo @@marker\n", {
        followUp: {
          afterLine: "@@marker",
          next: () => {
            throw refusal;
          },
        },
      }),
      (err) => err === refusal,
    );
  });

  test("followUp: a first script that exits without the marker returns its own output", async () => {
    const result = await conn().runScript("echo no marker; exit 2\n", {
      followUp: {
        afterLine: "@@marker",
        next: () => {
          throw new Error("must not be called");
        },
      },
    });
    assert.equal(result.stdout, "no marker\n");
    assert.equal(result.code, 2);
  });
}
