/**
 * The dependencies a command names (`eka remove NAME… [--set SET]`, `eka update [NAME…] [--set
 * SET]`): a NAME is an atom's label (`[deps.from.<set>]`) or a direct dependency's name
 * (`[deps.direct.nix]`), compared after NFKC normalisation. `--set SET` restricts every NAME to
 * the atoms of that set, and `--set nix` to the direct dependencies: that is their name in
 * atom-nix (`deps.<set>.<label>`, `deps.nix.<name>`; direct-deps-name.ts). A NAME that matches
 * several dependencies (one label in two sets, an atom and a direct dependency of one name) is
 * refused, EKA_DEP_AMBIGUOUS naming each match and the `--set` picking it; a NAME matching none
 * is EKA_DEP_NOT_FOUND, naming the dependencies there are.
 */
import type { AtomManifest } from "./atom-manifest.ts";
import { DIRECT_DEPS_NAME } from "./direct-deps-name.ts";
import { EkaError } from "./errors.ts";
import { parseTag } from "./tag.ts";
import type { Label, Tag } from "./types.ts";

/** One named dependency: an atom of a set, or a direct dependency (`set` is then `nix`). */
export type NamedDep =
  | { readonly type: "atom"; readonly set: Tag; readonly label: Label }
  | { readonly type: "direct"; readonly set: typeof DIRECT_DEPS_NAME; readonly name: Label };

type Deps = Pick<AtomManifest, "file" | "sets" | "deps" | "nixDeps">;

function all(manifest: Deps): NamedDep[] {
  return [
    ...manifest.deps.map((d): NamedDep => ({ type: "atom", set: d.set, label: d.label })),
    ...manifest.nixDeps.map(
      (d): NamedDep => ({ type: "direct", set: DIRECT_DEPS_NAME, name: d.name }),
    ),
  ];
}

const nameOf = (d: NamedDep): string => (d.type === "atom" ? d.label : d.name);

/** `a`, `a and b`, `a, b and c`. */
function list(words: readonly string[], last = "and"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${last} ${words.at(-1)}`;
}

/** The dependencies there are: `auth, log (from set acme); nixpkgs (direct, --set nix)`. */
function known(deps: readonly NamedDep[]): string {
  const groups = new Map<string, string[]>();
  for (const d of deps) groups.set(d.set, [...(groups.get(d.set) ?? []), nameOf(d)]);
  const direct = groups.get(DIRECT_DEPS_NAME);
  groups.delete(DIRECT_DEPS_NAME);
  return [
    ...[...groups].map(([set, names]) => `${names.join(", ")} (from set ${set})`),
    ...(direct === undefined ? [] : [`${direct.join(", ")} (direct, --set ${DIRECT_DEPS_NAME})`]),
  ].join("; ");
}

/** `a dependency`, `a direct dependency`, `a dependency from set acme` (or their plural). */
function scopeWords(set: Tag | undefined, words: "a dependency" | "dependencies"): string {
  if (set === undefined) return words;
  if (set === DIRECT_DEPS_NAME)
    return words === "dependencies" ? "direct dependencies" : "a direct dependency";
  return `${words} from set ${set}`;
}

/** What the dependencies of one scope are, for a hint. */
function knownHint(deps: readonly NamedDep[], set: Tag | undefined): string {
  const what = scopeWords(set, "dependencies");
  if (deps.length === 0)
    return set === undefined || set === DIRECT_DEPS_NAME
      ? `it has no ${what}`
      : `set ${set} has no dependencies`;
  return set === undefined
    ? `the ${what} are: ${known(deps)}`
    : `the ${what} are: ${deps.map(nameOf).join(", ")}`;
}

/** `foo is a dependency from sets acme and beta; name one with --set acme or --set beta`. */
function ambiguity(name: string, matches: readonly NamedDep[]): string {
  const sets = matches.filter((d) => d.type === "atom").map((d) => d.set);
  const direct = matches.some((d) => d.type === "direct");
  const parts = [
    ...(sets.length === 0 ? [] : [`from set${sets.length === 1 ? "" : "s"} ${list(sets)}`]),
    ...(direct ? [`a direct dependency (deps.${DIRECT_DEPS_NAME}.${name})`] : []),
  ];
  const picks = matches.map((d) => `--set ${d.set}`);
  return `${name} is a dependency ${list(parts)}; name one with ${list(picks, "or")}`;
}

/**
 * The dependencies of `manifest` that `names` name, restricted to set `set` when given (`nix`:
 * the direct dependencies), each once, in the order of `names`. No names: every dependency (of
 * `set`, when given). Errors are located at `where` (the manifest's file by default):
 * EKA_SET_UNKNOWN for a set [package.sets] does not declare (other than
 * `nix`), EKA_DEP_NOT_FOUND for names matching nothing, EKA_DEP_AMBIGUOUS for names matching
 * several dependencies without `set`; every such name is reported at once.
 */
export function selectDeps(
  manifest: Deps,
  names: readonly string[],
  set?: string,
  where: string = manifest.file,
): NamedDep[] {
  const file = manifest.file;
  const every = all(manifest);
  let scope = every;
  const tag = set === undefined ? undefined : parseTag(set, "set name");
  if (tag !== undefined) {
    if (tag === DIRECT_DEPS_NAME) {
      scope = every.filter((d) => d.type === "direct");
    } else {
      if (!manifest.sets.some((s) => s.name === tag)) {
        const declared = manifest.sets.map((s) => s.name);
        throw new EkaError("EKA_SET_UNKNOWN", `set ${tag} is not declared in ${file}`, {
          where,
          hint: `${declared.length === 0 ? "it declares no set" : `the sets are: ${declared.join(", ")}`}; --set ${DIRECT_DEPS_NAME} names the direct dependencies`,
          data: { set: tag, known: declared },
        });
      }
      scope = every.filter((d) => d.type === "atom" && d.set === tag);
    }
  }
  if (names.length === 0) return scope;
  const picked: NamedDep[] = [];
  const unknown: string[] = [];
  const ambiguous: { name: string; matches: NamedDep[] }[] = [];
  for (const raw of names) {
    const name = raw.normalize("NFKC");
    const matches = scope.filter((d) => nameOf(d) === name);
    if (matches.length === 0) {
      if (!unknown.includes(name)) unknown.push(name);
    } else if (matches.length > 1) {
      if (!ambiguous.some((a) => a.name === name)) ambiguous.push({ name, matches });
    } else if (!picked.includes(matches[0]!)) picked.push(matches[0]!);
  }
  if (unknown.length > 0) {
    const elsewhere = every.filter((d) => unknown.includes(nameOf(d)));
    const moved =
      elsewhere.length > 0
        ? list(
            elsewhere.map(
              (d) =>
                `${nameOf(d)} is ${d.type === "atom" ? `a dependency from set ${d.set}` : "a direct dependency"} (--set ${d.set})`,
            ),
          )
        : "";
    const scopeHint = knownHint(scope, tag);
    throw new EkaError(
      "EKA_DEP_NOT_FOUND",
      `${list(unknown)} ${unknown.length === 1 ? `is not ${scopeWords(tag, "a dependency")}` : `are not ${scopeWords(tag, "dependencies")}`} in ${file}`,
      {
        where,
        hint: moved === "" ? scopeHint : `${moved}; ${scopeHint}`,
        data: {
          unknown,
          ...(tag === undefined ? {} : { set: tag }),
          deps: [...new Set(scope.map(nameOf))],
        },
      },
    );
  }
  if (ambiguous.length > 0) {
    throw new EkaError(
      "EKA_DEP_AMBIGUOUS",
      ambiguous.map((a) => ambiguity(a.name, a.matches)).join("; "),
      {
        where,
        hint: "--set applies to every name given: name dependencies of different sets in separate commands",
        data: {
          ambiguous: ambiguous.map((a) => ({
            name: a.name,
            sets: a.matches.map((d) => d.set),
          })),
        },
      },
    );
  }
  return picked;
}
