import { test } from "node:test";
import assert from "node:assert/strict";
import { stripAwkComments, stripShellComments } from "../../../src/shell/shipped.js";
import { runSh } from "../logs/sources/run-script.js";

const SCRIPT = [
  "# title: kept",
  "# a comment: dropped",
  "  # an indented comment: dropped",
  "cat <<'EOF'",
  "# a heredoc line",
  "EOF",
  "cat <<-X; cat <<Y",
  "\t# tab-indented, <<-",
  "\tX",
  "# second heredoc of the line",
  "Y",
  "awk 'BEGIN {",
  "# an awk comment inside a quoted program: kept (it is data to sh)",
  '  print "#x"',
  "}'",
  "printf '%s\\n' 'a",
  "# in a single-quoted string",
  "'",
  'echo "b',
  "# in a double-quoted string",
  '"',
  "echo $# ${#x} # a trailing comment with a quote: don't",
  "# after all that: dropped",
  "echo end",
].join("\n");

test("only the shell's own comment lines are stripped: heredocs and quoted strings keep theirs", () => {
  const stripped = stripShellComments(SCRIPT);
  const dropped = SCRIPT.split("\n").filter((l) => !stripped.split("\n").includes(l));
  assert.deepEqual(dropped, [
    "# a comment: dropped",
    "  # an indented comment: dropped",
    "# after all that: dropped",
  ]);
  // The same output from sh as the whole text.
  assert.equal(runSh(stripped), runSh(SCRIPT));
});

test("a heredoc delimiter indented by tabs ends only a <<- heredoc", () => {
  const text = "cat <<EOF\n\tEOF\n# still in the heredoc\nEOF\n# a comment";
  assert.equal(stripShellComments(text), "cat <<EOF\n\tEOF\n# still in the heredoc\nEOF");
});

test("awk files lose their comment lines but the first", () => {
  assert.equal(
    stripAwkComments('# title\n# c\nfunction f() { return "#" }\n  # c'),
    '# title\nfunction f() { return "#" }',
  );
});
