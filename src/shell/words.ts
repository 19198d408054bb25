// Splitting a command-line string into words as a POSIX shell (and Python's shlex.split, which
// Ansible applies to ansible_ssh_common_args) does: quotes group and are removed, a backslash
// escapes the next character outside single quotes. No expansion of any kind.

/** The words of `text`, or null when a quote is left open or it ends in a lone backslash. */
export function shellWords(text: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word ??= "";
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return null;
      word += text.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        // In double quotes a backslash escapes only what would otherwise be special.
        if (text[j] === "\\" && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) j++;
        word += text[j];
      }
      if (j >= text.length) return null;
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= text.length) return null;
      word += text[++i];
    } else {
      word += c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
