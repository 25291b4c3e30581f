# atom-nix: eka's module system for the Nix code of atoms (protocol.md §10, docs/format.md).
#
# An atom's Nix code lives in the directory named by `[nix] entry` in its atom.toml (default:
# the atom directory). A module is a directory with a `mod.nix`; its members are its other
# `.nix` files (named without `.nix`), its sub-directories that have a `mod.nix`, and the
# attributes of the set `mod.nix` evaluates to. A member whose name starts with a capital
# letter is public and is exposed, outside the module, with that letter lower-cased
# (`Greeting.nix` is `greeting`); the others are private to the module and its sub-modules.
#
# Every file is evaluated with a fixed scope:
#   mod   this module, private members included (names as written: mod.Greeting, mod.helper)
#   pre   the parent module, the same way (the top module has none)
#   atom  the atom's public top (lower-cased names, public sub-modules as their public view)
#   std   the pure builtins and a small library
#   cfg   the evaluation's configuration; std.identity.config is its digest
#   deps  locked dependencies: deps.<set>.<label> (atoms), deps.nix.<name> (pinned sources)
# and nothing else: import, scopedImport, the fetchers, getEnv, currentTime, currentSystem and
# <name> lookups throw an error that says what to use instead (scope.nix).
#
# Works with Nix 2.8 and later: it uses no builtin newer than 2.8.
let
  scope = import ./scope.nix;
  std = import ./std.nix scope.pure;
  inherit (builtins)
    attrNames
    filter
    listToAttrs
    match
    pathExists
    readDir
    substring
    stringLength
    ;

  isPublic = name: match "[A-Z].*" name != null;
  publicName = name: std.toLower (substring 0 1 name) + substring 1 (stringLength name) name;

  # What a module shows outside itself.
  publicView =
    members:
    listToAttrs (
      map (name: {
        name = publicName name;
        value = members.${name};
      }) (filter isPublic (attrNames members))
    );

  noParentIn =
    file: throw "eka: the top module of an atom has no parent: `pre` is only defined in sub-modules (in ${file})";

  # The members of the module in `dir` (a string path), as `mod` sees them.
  loadModule =
    {
      dir,
      parent,
      top,
      base,
    }:
    let
      entries = readDir dir;
      names = filter (n: substring 0 1 n != ".") (attrNames entries);
      isFile = n: entries.${n} != "directory" && n != "mod.nix" && std.hasSuffix ".nix" n;
      isDir = n: entries.${n} == "directory" && pathExists "${dir}/${n}/mod.nix";
      fileNames = filter isFile names;
      dirNames = filter isDir names;
      scopeFor =
        file:
        scope.shadowsIn file
        // base
        // {
          inherit mod;
          pre = if parent == null then noParentIn file else parent;
          atom = top;
        };
      read = file: builtins.scopedImport (scopeFor "${dir}/${file}") "${dir}/${file}";
      fromFiles = listToAttrs (
        map (f: {
          name = std.removeSuffix ".nix" f;
          value = read f;
        }) fileNames
      );
      fromDirs = listToAttrs (
        map (d: {
          name = d;
          value = publicView (loadModule {
            dir = "${dir}/${d}";
            parent = mod;
            inherit top base;
          });
        }) dirNames
      );
      body = read "mod.nix";
      checkedBody =
        if builtins.isAttrs body then
          body
        else
          throw "eka: ${dir}/mod.nix must evaluate to an attribute set of members, not a ${builtins.typeOf body}";
      clashes =
        attrNames (builtins.intersectAttrs fromFiles fromDirs)
        ++ attrNames (builtins.intersectAttrs (fromFiles // fromDirs) checkedBody);
      mod =
        if clashes == [ ] then
          fromFiles // fromDirs // checkedBody
        else
          throw "eka: module ${dir} defines ${builtins.concatStringsSep ", " clashes} more than once (as a file, a sub-module or an attribute of mod.nix): rename one";
    in
    mod;

  # The public top of the atom whose files are in `src` (a string path), given its entry
  # directory, the evaluation's configuration and identity, and its locked dependencies.
  evalAtom =
    {
      src,
      entry ? null,
      cfg,
      identity,
      deps,
    }:
    let
      dir = if entry == null || entry == "." then src else "${src}/${entry}";
      base = {
        std = std // {
          inherit identity;
        };
        inherit cfg deps;
      };
      top = publicView (loadModule {
        inherit dir base top;
        parent = null;
      });
    in
    if pathExists "${dir}/mod.nix" then
      top
    else
      throw "eka: ${dir}/mod.nix does not exist: an atom's Nix entry is a directory with a mod.nix (set [nix] entry in atom.toml to the directory that holds it)";
in
{
  inherit evalAtom std;
}
