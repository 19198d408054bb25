// Public-key authentication as OpenSSH does it: agent keys first, then identity files in order,
// encrypted files unlocked only when reached (and never when the agent already holds the key).
// Records what was tried so an auth failure says so — names and fingerprints, never key material.
import type { AuthHandlerMiddleware, NextAuthHandler, ParsedKey } from "ssh2";
import { describeKey } from "../hostKeys/fingerprint.js";
import { FilteredAgent } from "./filteredAgent.js";
import { loadIdentity, type Identity } from "./identityFile.js";
import type { KeyUnlocker } from "./keyUnlocker.js";

export interface AuthSetup {
  username: string;
  /** Explicit identity files (HostSpec order), then defaults flagged as implicit. */
  identityFiles: { file: string; implicit: boolean }[];
  identitiesOnly: boolean;
  /** SSH_AUTH_SOCK, when set. */
  agentSocket: string | undefined;
  unlocker: KeyUnlocker;
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** "tried ssh-agent (1 key), key /home/u/.ssh/id_ed25519 (ssh-ed25519 SHA256:…)" */
  describeFailure(): string;
}

type Step = { kind: "agent"; agent: FilteredAgent } | { kind: "key"; file: string; key: ParsedKey };

export function planAuth(setup: AuthSetup): AuthPlan {
  const tried: string[] = [];
  const skipped: string[] = [];
  let serverMethods: string[] | null = null;
  let steps: AsyncGenerator<Step> | undefined;

  async function* generateSteps(): AsyncGenerator<Step> {
    const identities: Identity[] = [];
    for (const { file, implicit } of setup.identityFiles) {
      const identity = await loadIdentity(file);
      if (identity.state === "missing") {
        if (!implicit) skipped.push(`${file} (no such file)`);
      } else identities.push(identity);
    }
    const fileBlobs = identities.flatMap((i) =>
      (i.state === "ready" || i.state === "encrypted") && i.publicBlob ? [i.publicBlob] : [],
    );
    let agentBlobs: Buffer[] = [];
    if (setup.agentSocket) {
      const agent = new FilteredAgent(setup.agentSocket, setup.identitiesOnly ? fileBlobs : undefined);
      const { keys, error } = await agent.listKeys();
      agentBlobs = keys.map((k) => k.getPublicSSH());
      if (error) skipped.push(`ssh-agent (${error})`);
      else if (keys.length === 0)
        skipped.push(
          setup.identitiesOnly ? "ssh-agent (holds none of the identity files)" : "ssh-agent (no keys)",
        );
      else {
        tried.push(`ssh-agent (${keys.length} key${keys.length === 1 ? "" : "s"})`);
        yield { kind: "agent", agent };
      }
    }
    for (const identity of identities) {
      if (identity.state === "invalid") {
        skipped.push(`${identity.file} (${identity.reason})`);
        continue;
      }
      if (identity.state === "missing") continue;
      if (identity.publicBlob && agentBlobs.some((b) => b.equals(identity.publicBlob!))) continue; // agent tried it
      let key: ParsedKey;
      if (identity.state === "ready") key = identity.key;
      else {
        const unlocked = await setup.unlocker.unlock(identity.file, identity.data);
        if (!unlocked.ok) {
          skipped.push(`${identity.file} (${unlocked.reason})`);
          continue;
        }
        key = unlocked.key;
      }
      tried.push(`key ${identity.file} (${describeKey(key.getPublicSSH())})`);
      yield { kind: "key", file: identity.file, key };
    }
  }

  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next: NextAuthHandler) => {
    const fail = next as unknown as (auth: false) => void;
    if (methodsLeft) serverMethods = methodsLeft;
    if (methodsLeft && !methodsLeft.includes("publickey")) return fail(false);
    steps ??= generateSteps();
    steps.next().then(
      (r) => {
        if (r.done) return fail(false);
        const step = r.value;
        if (step.kind === "agent") next({ type: "agent", username: setup.username, agent: step.agent });
        else next({ type: "publickey", username: setup.username, key: step.key });
      },
      () => fail(false),
    );
  };

  return {
    handler,
    describeFailure() {
      const parts = [tried.length > 0 ? `tried ${tried.join(", ")}` : "no key to try"];
      if (skipped.length > 0) parts.push(`skipped ${skipped.join(", ")}`);
      if (serverMethods && !serverMethods.includes("publickey")) {
        parts.push(`the server accepts only ${serverMethods.join(", ")}`);
      }
      return parts.join("; ");
    },
  };
}
