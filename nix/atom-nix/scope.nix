# The fixed scope of atom modules: what is taken away, and the error each removal gives.
#
# Atom modules are read with `scopedImport`, whose first argument shadows every name Nix would
# otherwise find in its base environment. Each forbidden builtin is shadowed twice (by its own
# name and by the `__name` alias Nix also defines) with a function or value that throws a
# message saying what to do instead; `<name>` lookups desugar to `__findFile __nixPath "name"`,
# so shadowing `__findFile` catches them all.
let
  fetchHint = "declare the source in [deps.direct.nix] of atom.toml, run `eka resolve`, and use deps.nix.<name>";
  importHint = "a module's files and sub-modules are its members (mod.<name>), its parent is pre, the atom's public top is atom, other atoms are deps.<set>.<label>, pinned sources deps.nix.<name>";
  messages = {
    import = "import is not available in atom modules: ${importHint}";
    scopedImport = "scopedImport is not available in atom modules: ${importHint}";
    fetchurl = "builtins.fetchurl is not available in atom modules (only locked sources are): ${fetchHint}";
    fetchTarball = "builtins.fetchTarball is not available in atom modules (only locked sources are): ${fetchHint}";
    fetchGit = "builtins.fetchGit is not available in atom modules (only locked sources are): ${fetchHint}";
    fetchMercurial = "builtins.fetchMercurial is not available in atom modules (only locked sources are): ${fetchHint}";
    fetchTree = "builtins.fetchTree is not available in atom modules (only locked sources are): ${fetchHint}";
    fetchClosure = "builtins.fetchClosure is not available in atom modules (only locked sources are): ${fetchHint}";
    getFlake = "builtins.getFlake is not available in atom modules (only locked sources are): ${fetchHint}";
    storePath = "builtins.storePath is not available in atom modules: store paths are not locked sources; ${fetchHint}";
    getEnv = "builtins.getEnv is not available in atom modules: the environment is not part of an evaluation's identity; pass the value as configuration (--config key=value or [nix.config] in atom.toml) and read cfg.<key>";
    currentTime = "builtins.currentTime is not available in atom modules: evaluations are reproducible; pass a time as configuration (--config key=value) and read cfg.<key>";
    currentSystem = "builtins.currentSystem is not available in atom modules: the system is configuration; pass --config system=x86_64-linux (or set system in [nix.config] of atom.toml) and read cfg.system";
    nixPath = "builtins.nixPath is not available in atom modules: search paths are not locked; ${fetchHint}";
    findFile = "builtins.findFile is not available in atom modules: search paths are not locked; ${fetchHint}";
    exec = "builtins.exec is not available in atom modules: evaluations run no programs";
  };
  # Throws when used as a value, and when called (import x, getEnv "HOME", fetchurl {…}).
  # Nix gives no position for a value that throws when forced, so values name the file.
  thrower = file: name:
    let
      message = "eka: ${messages.${name}}";
    in
    if name == "currentTime" || name == "currentSystem" || name == "nixPath" then
      throw "eka: ${messages.${name}} (in ${file})"
    # Force the argument first, so that `import <nixpkgs>` reports the lookup itself.
    else if name == "import" then
      path: builtins.seq path (throw message)
    else if name == "scopedImport" then
      _: path: builtins.seq path (throw message)
    else
      _: throw message;
  forbidden = builtins.attrNames messages;
  shadowsIn =
    file:
    let
      shadows = builtins.listToAttrs (
        builtins.concatMap (name: [
          {
            inherit name;
            value = thrower file name;
          }
          {
            name = "__${name}";
            value = thrower file name;
          }
        ]) forbidden
      );
      safeBuiltins =
        builtins.removeAttrs builtins forbidden
        // builtins.listToAttrs (map (name: { inherit name; value = thrower file name; }) forbidden)
        // {
          builtins = safeBuiltins;
        };
    in
    shadows
    // {
      builtins = safeBuiltins;
      __findFile = findFile;
      __nixPath = thrower file "nixPath";
    };
  findFile = _: name:
    throw "eka: <${name}> lookups are not available in atom modules: search paths are not locked; ${fetchHint}";
in
{
  inherit forbidden;
  # The pure builtins: what std starts from.
  pure = builtins.removeAttrs builtins (forbidden ++ [ "builtins" ]);
  # Names a module file gets on top of mod, pre, atom, std, cfg and deps (file: its path).
  inherit shadowsIn;
}
