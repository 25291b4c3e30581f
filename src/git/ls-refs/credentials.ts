/**
 * Credentials for HTTP through `git credential` (fill, approve, reject), so that eka uses the
 * user's configured helpers (and askpass) exactly as git does. eka never stores a credential, and
 * never puts one in a message: they live in memory for the one listing that asked for them.
 */
import type { GitRunner } from "../git-runner.ts";

export interface CredentialRequest {
  readonly protocol: string;
  /** `host[:port]`. */
  readonly host: string;
  /** The repository path, without its leading `/` (helpers ignore it unless useHttpPath). */
  readonly path: string;
  readonly username: string | null;
}

export interface Credential {
  readonly username: string;
  readonly password: string;
}

export interface CredentialSource {
  /** Asks the helpers; null when none answers (or a value cannot be passed to them). */
  fill(request: CredentialRequest, timeoutMs: number): Promise<Credential | null>;
  /** Tells the helpers the credential worked (they may store it). */
  approve(request: CredentialRequest, credential: Credential): Promise<void>;
  /** Tells the helpers the credential was refused (they may erase it). */
  reject(request: CredentialRequest, credential: Credential): Promise<void>;
}

const UNSAFE = /[\n\0]/;

function describe(request: CredentialRequest, credential: Credential | null): string | null {
  const fields: [string, string | null][] = [
    ["protocol", request.protocol],
    ["host", request.host],
    ["path", request.path === "" ? null : request.path],
    ["username", credential?.username ?? request.username],
    ["password", credential?.password ?? null],
  ];
  let text = "";
  for (const [key, value] of fields) {
    if (value === null) continue;
    if (UNSAFE.test(value)) return null;
    text += `${key}=${value}\n`;
  }
  return `${text}\n`;
}

function parseAnswer(text: string): Credential | null {
  let username: string | null = null;
  let password: string | null = null;
  for (const line of text.split("\n")) {
    const equals = line.indexOf("=");
    if (equals === -1) continue;
    const key = line.slice(0, equals);
    if (key === "username") username = line.slice(equals + 1);
    else if (key === "password") password = line.slice(equals + 1);
  }
  return username === null || password === null ? null : { username, password };
}

/** Credentials from `git credential`, run by `runner` (in the lister's directory). */
export function gitCredentials(runner: GitRunner): CredentialSource {
  const tell = async (
    action: "approve" | "reject",
    request: CredentialRequest,
    credential: Credential,
  ) => {
    const input = describe(request, credential);
    if (input !== null) await runner.run(["credential", action], { input, timeoutMs: 10_000 });
  };
  return {
    async fill(request, timeoutMs) {
      const input = describe(request, null);
      if (input === null) return null;
      const result = await runner.run(["credential", "fill"], { input, timeoutMs });
      if (result.code !== 0) return null;
      return parseAnswer(result.stdout.toString("utf8"));
    },
    approve: (request, credential) => tell("approve", request, credential),
    reject: (request, credential) => tell("reject", request, credential),
  };
}
