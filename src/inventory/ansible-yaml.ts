// Ansible's YAML inventory format: groups (usually `all`) with hosts, vars and children.
import { isMap, isScalar, type Node, type Pair } from "yaml";
import type { Problem } from "../errors.js";
import type { Pointer } from "../files/source-map.js";
import type { YamlSource } from "../files/yaml-source.js";
import { AnsibleInventory, type Located } from "./ansible-model.js";
import { expandHostRange } from "./host-range.js";

const GROUP_KEYS = ["hosts", "vars", "children"];

export function fromAnsibleYaml(source: YamlSource): { inventory: AnsibleInventory; problems: Problem[] } {
  const inventory = new AnsibleInventory(source.file);
  const problems: Problem[] = [];
  const at = (pointer: Pointer, target: "key" | "value" = "value") => source.map.position(pointer, target);
  const problem = (pointer: Pointer, message: string, target: "key" | "value" = "value") =>
    problems.push({ file: source.file, ...at(pointer, target), message });

  const isEmpty = (node: unknown) =>
    node === null || node === undefined || (isScalar(node) && node.value === null);
  const pairsOf = (node: unknown, pointer: Pointer, what: string): Pair[] => {
    if (isEmpty(node)) return [];
    if (isMap(node)) return node.items as Pair[];
    problem(pointer, `${what} must be a mapping`);
    return [];
  };
  const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
  const valueOf = (node: unknown): unknown =>
    isScalar(node)
      ? node.value
      : node && typeof (node as Node).toJSON === "function"
        ? (node as Node).toJSON()
        : node;
  const varsOf = (node: unknown, pointer: Pointer, owner: string): Map<string, Located> => {
    const vars = new Map<string, Located>();
    for (const pair of pairsOf(node, pointer, `${owner}'s vars`)) {
      const key = keyOf(pair);
      vars.set(key, { value: valueOf(pair.value), at: at([...pointer, key]), label: `${owner}, ${key}` });
    }
    return vars;
  };

  const readGroup = (name: string, node: unknown, pointer: Pointer): void => {
    const group = inventory.group(name, at(pointer, "key"));
    for (const pair of pairsOf(node, pointer, `group ${name}`)) {
      const key = keyOf(pair);
      const here = [...pointer, key];
      if (key === "vars") {
        for (const [k, v] of varsOf(pair.value, here, `group ${name}`)) group.vars.set(k, v);
      } else if (key === "hosts") {
        for (const hostPair of pairsOf(pair.value, here, `group ${name}'s hosts`)) {
          const pattern = keyOf(hostPair);
          const hostAt = [...here, pattern];
          const names = expandHostRange(pattern);
          if ("error" in names) {
            problem(hostAt, names.error, "key");
            continue;
          }
          for (const host of names) {
            const vars = varsOf(hostPair.value, hostAt, `host ${host}`);
            inventory.addHost(name, host, at(hostAt, "key"), vars);
          }
        }
      } else if (key === "children") {
        for (const childPair of pairsOf(pair.value, here, `group ${name}'s children`)) {
          const child = keyOf(childPair);
          inventory.addChild(name, child, at([...here, child], "key"));
          readGroup(child, childPair.value, [...here, child]);
        }
      } else {
        problem(
          here,
          `unknown key ${JSON.stringify(key)} in group ${name} (expected one of: ${GROUP_KEYS.join(", ")})`,
          "key",
        );
      }
    }
  };

  for (const pair of pairsOf(source.doc.contents, [], "an Ansible YAML inventory")) {
    const name = keyOf(pair);
    readGroup(name, pair.value, [name]);
  }
  return { inventory, problems };
}
