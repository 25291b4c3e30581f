/**
 * Git commit objects as bytes: format one (with extra headers after `committer`, as eka's init
 * and atom commits need) and parse one back. Pure; no signatures are produced.
 */
import { EkaError } from "./errors.ts";
import { type GitOid, parseGitOid } from "./types.ts";

export interface CommitFields {
  readonly tree: GitOid;
  readonly parents: readonly GitOid[];
  /** `Name <email> <unix-seconds> <+hhmm>` */
  readonly author: string;
  readonly committer: string;
  /** Headers after `committer`, in order: [name, value]; values must be single-line. */
  readonly extraHeaders: readonly (readonly [string, string])[];
  readonly message: string;
}

const HEADER_NAME = /^[a-z][a-z0-9-]*$/;
const IDENT = /^[^<>\n]*<[^<>\n]*> \d+ [+-]\d{4}$/;

export function formatCommit(fields: CommitFields): Uint8Array {
  for (const ident of [fields.author, fields.committer]) {
    if (!IDENT.test(ident)) {
      throw new EkaError("EKA_INTERNAL", `malformed identity line: ${JSON.stringify(ident)}`);
    }
  }
  const lines = [`tree ${fields.tree}`];
  for (const parent of fields.parents) lines.push(`parent ${parent}`);
  lines.push(`author ${fields.author}`, `committer ${fields.committer}`);
  for (const [name, value] of fields.extraHeaders) {
    if (!HEADER_NAME.test(name) || value.includes("\n")) {
      throw new EkaError(
        "EKA_INTERNAL",
        `malformed commit header: ${name} ${JSON.stringify(value)}`,
      );
    }
    lines.push(`${name} ${value}`);
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n\n${fields.message}`);
}

/** Parses a commit object's bytes. Continuation lines (` …`, e.g. signatures) join their header. */
export function parseCommit(data: Uint8Array): CommitFields {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  const split = text.indexOf("\n\n");
  const head = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? "" : text.slice(split + 2);
  const headers: [string, string][] = [];
  for (const line of head.split("\n")) {
    if (line.startsWith(" ") && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += `\n${line.slice(1)}`;
      continue;
    }
    const space = line.indexOf(" ");
    if (space <= 0)
      throw new EkaError("EKA_OBJECT_MISSING", `malformed commit header line: ${line}`);
    headers.push([line.slice(0, space), line.slice(space + 1)]);
  }
  let i = 0;
  const take = (name: string): string => {
    const h = headers[i];
    if (h === undefined || h[0] !== name) {
      throw new EkaError("EKA_OBJECT_MISSING", `malformed commit: expected \`${name}\` header`);
    }
    i++;
    return h[1];
  };
  const tree = parseGitOid(take("tree"));
  const parents: GitOid[] = [];
  while (headers[i]?.[0] === "parent") parents.push(parseGitOid(take("parent")));
  const author = take("author");
  const committer = take("committer");
  return { tree, parents, author, committer, extraHeaders: headers.slice(i), message };
}
