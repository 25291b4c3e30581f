/**
 * The manifest side of resolution: every dependency of an `atom.toml` as a `DepRequest`.
 * `[deps.from.<set>]` requirements are parsed (Cargo's rules); each `[deps.direct.nix]` table
 * is read by its shape (protocol.md §8). Every problem is reported at once with file:line:col.
 */
import type { AtomManifest } from "../core/atom-manifest.ts";
import { type Diagnostic, EkaError, formatLocation } from "../core/errors.ts";
import { parseRequirement } from "../core/requirement.ts";
import { showText } from "../core/show-text.ts";
import type { PlainTable } from "../core/toml.ts";
import type { DepRequest, VersionSource } from "./types.ts";

const NIX_EXAMPLE =
  'nixpkgs = { git = "https://github.com/NixOS/nixpkgs", ref = "nixos-unstable" }, or ' +
  '{ git = URL, version = "^1.2" }, { url = URL }, { tar = URL }, { build = URL, unpack = false, exec = false }';

function only(spec: PlainTable, allowed: readonly string[]): string | null {
  const extra = Object.keys(spec).filter((k) => !allowed.includes(k));
  return extra.length === 0
    ? null
    : `unknown key${extra.length === 1 ? "" : "s"} ${extra.join(", ")}`;
}

const FROM = /^from\.([^.]+)\.([^.]+)$/;

/**
 * `version = "from.<set>.<label>"` on a download (protocol.md §8): `{version}` in its URL takes
 * that atom dependency's resolved version. The atom must be a dependency of this manifest.
 */
function versionFrom(
  text: string | undefined,
  url: string,
  atoms: AtomManifest["deps"],
): { from?: VersionSource } | string {
  if (text === undefined) {
    return url.includes("{version}")
      ? 'the URL holds {version} but no version = "from.<set>.<label>" says which atom\'s'
      : {};
  }
  const match = FROM.exec(text);
  const dep = atoms.find((d) => d.set === match?.[1] && d.label === match?.[2]);
  if (match === null || dep === undefined) {
    const known = atoms.map((d) => `from.${d.set}.${d.label}`).join(", ");
    return `version ${showText(text)} must name an atom dependency as "from.<set>.<label>"${known === "" ? " (there are none)" : ` (${known})`}`;
  }
  if (!url.includes("{version}"))
    return `version ${showText(text)} is given but the URL holds no {version}`;
  return { from: { set: dep.set, label: dep.label } };
}

function nixRequest(
  name: AtomManifest["nixDeps"][number],
  atoms: AtomManifest["deps"],
): { ok: true; request: DepRequest } | { ok: false; message: string } {
  const spec = name.spec;
  const str = (key: string): string | undefined =>
    typeof spec[key] === "string" ? (spec[key] as string) : undefined;
  const bool = (key: string): boolean | undefined =>
    typeof spec[key] === "boolean" ? (spec[key] as boolean) : undefined;
  const fail = (message: string) => ({ ok: false as const, message });
  if ("git" in spec) {
    const url = str("git");
    if (url === undefined) return fail("git must be a URL string");
    const extra = only(spec, ["git", "ref", "version"]);
    if (extra !== null) return fail(extra);
    const ref = str("ref");
    const version = str("version");
    if ((ref === undefined) === (version === undefined)) {
      return fail(
        "a git dependency takes exactly one of ref (a branch or tag) and version (a requirement)",
      );
    }
    if (version !== undefined) {
      try {
        return {
          ok: true,
          request: { type: "nix+git", name: name.name, url, version: parseRequirement(version) },
        };
      } catch (error) {
        return fail((error as Error).message);
      }
    }
    return { ok: true, request: { type: "nix+git", name: name.name, url, ref: ref! } };
  }
  if ("url" in spec || "tar" in spec) {
    const key = "url" in spec ? "url" : "tar";
    const url = str(key);
    if (url === undefined) return fail(`${key} must be a URL string`);
    const extra = only(spec, [key, "version"]);
    if (extra !== null) return fail(extra);
    const from = versionFrom(str("version"), url, atoms);
    if (typeof from === "string") return fail(from);
    return {
      ok: true,
      request: { type: key === "url" ? "nix+url" : "nix+tar", name: name.name, url, ...from },
    };
  }
  if ("build" in spec) {
    const url = str("build");
    if (url === undefined) return fail("build must be a URL string");
    const extra = only(spec, ["build", "unpack", "exec", "version"]);
    if (extra !== null) return fail(extra);
    const from = versionFrom(str("version"), url, atoms);
    if (typeof from === "string") return fail(from);
    const unpack = "unpack" in spec ? bool("unpack") : false;
    const exec = "exec" in spec ? bool("exec") : false;
    if (unpack === undefined || exec === undefined)
      return fail("unpack and exec must be true or false");
    return {
      ok: true,
      request: { type: "nix+build", name: name.name, url, unpack, exec, ...from },
    };
  }
  return fail("it has none of git, url, tar or build");
}

/** The dependencies `manifest` asks for: atoms in file order, then direct dependencies. */
export function requestsOf(manifest: AtomManifest): DepRequest[] {
  const out: DepRequest[] = [];
  const problems: Diagnostic[] = [];
  for (const dep of manifest.deps) {
    const where = { file: manifest.file, line: dep.line, column: dep.column };
    try {
      const requirement = parseRequirement(dep.requirement, formatLocation(where));
      out.push({
        type: "atom",
        set: dep.set,
        label: dep.label,
        requirement,
        text: dep.requirement,
      });
    } catch (error) {
      if (!(error instanceof EkaError)) throw error;
      problems.push({
        ...where,
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      });
    }
  }
  for (const dep of manifest.nixDeps) {
    const got = nixRequest(dep, manifest.deps);
    if (got.ok) out.push(got.request);
    else {
      problems.push({
        file: manifest.file,
        line: dep.line,
        column: dep.column,
        message: `deps.direct.nix.${showText(dep.name)}: ${got.message}`,
        hint: NIX_EXAMPLE,
      });
    }
  }
  if (problems.length > 0) {
    throw new EkaError(
      "EKA_MANIFEST_INVALID",
      `${manifest.file} has ${problems.length} invalid dependenc${problems.length === 1 ? "y" : "ies"}`,
      { where: formatLocation(problems[0]!), diagnostics: problems },
    );
  }
  return out;
}
