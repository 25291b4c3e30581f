# The lock fetcher: `deps` for an atom from its atom.lock (protocol.md §7, §8), read with
# builtins.fromTOML.
#
#   deps.<set name>.<label>  the atom, fetched by rev and ref refs/ekala/atoms/<label>/<version>
#                            from eka's local cache repository, evaluated with its own lock
#   deps.nix.<name>          a pinned source: nix+git (fetchGit by rev), nix+url (fetchurl with
#                            the locked hash), nix+tar (fetchTarball with the locked hash),
#                            nix+build (a fixed-output derivation fetched at build time)
#
# eka fetches every locked atom into the cache repository before Nix runs, so Nix reads atoms
# from a local file:// URL only; the evaluation's allowed-uris are that URL and the pins' URLs.
{ cacheUrl, evalAtom, cfg, configDigest }:
let
  inherit (builtins)
    filter
    foldl'
    fromTOML
    listToAttrs
    pathExists
    readFile
    ;

  emptyLock = {
    version = 1;
    sets = { };
    deps = [ ];
  };

  readLock =
    src:
    let
      lock = if pathExists "${src}/atom.lock" then fromTOML (readFile "${src}/atom.lock") else emptyLock;
    in
    if (lock.version or null) == 1 then
      lock
    else
      throw "eka: ${src}/atom.lock is lock format version ${toString (lock.version or "(none)")}; this atom-nix reads version 1";

  readEntry =
    src:
    let
      manifest = fromTOML (readFile "${src}/atom.toml");
    in
    (manifest.nix or { }).entry or null;

  fetchAtom =
    dep:
    builtins.fetchGit {
      url = cacheUrl;
      inherit (dep) rev;
      ref = "refs/ekala/atoms/${dep.label}/${dep.version}";
    };

  # Nix fetches `ref` as given when it starts with refs/, else as refs/heads/<ref>.
  gitRef =
    dep:
    if dep ? version then
      "refs/tags/${dep.ref}"
    else if dep ? ref then
      dep.ref
    else
      null;

  pin =
    dep:
    if dep.type == "nix+git" then
      builtins.fetchGit (
        {
          inherit (dep) url rev;
        }
        // (if gitRef dep == null then { } else { ref = gitRef dep; })
      )
    else if dep.type == "nix+url" then
      builtins.fetchurl {
        inherit (dep) url;
        sha256 = dep.hash;
      }
    else if dep.type == "nix+tar" then
      builtins.fetchTarball {
        inherit (dep) url;
        sha256 = dep.hash;
      }
    else if dep.type == "nix+build" then
      derivation {
        inherit (dep) name url unpack;
        executable = dep.exec;
        builder = "builtin:fetchurl";
        system = "builtin";
        outputHash = dep.hash;
        outputHashMode = if dep.unpack || dep.exec then "recursive" else "flat";
        preferLocalBuild = true;
        urls = [ dep.url ];
      }
    else
      throw "eka: unknown dependency type ${dep.type} in atom.lock";

  # The public top of the atom whose files are in `src`, with its locked dependencies.
  loadAtom =
    { src, identity }:
    evalAtom {
      inherit src cfg identity;
      entry = readEntry src;
      deps = depsOf (readLock src);
    };

  depsOf =
    lock:
    let
      atoms = filter (d: d.type == "atom") lock.deps;
      pins = filter (d: d.type != "atom") lock.deps;
      setName = dep: lock.sets.${dep.set}.name;
      load =
        dep:
        loadAtom {
          src = (fetchAtom dep).outPath;
          identity = {
            inherit (dep) id label version;
            config = configDigest;
          };
        };
      bySet = foldl' (
        acc: dep:
        acc
        // {
          ${setName dep} = (acc.${setName dep} or { }) // {
            ${dep.label} = load dep;
          };
        }
      ) { } atoms;
    in
    bySet
    // {
      nix = listToAttrs (
        map (dep: {
          inherit (dep) name;
          value = pin dep;
        }) pins
      );
    };
in
{
  inherit loadAtom readLock depsOf;
}
