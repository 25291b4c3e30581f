# What `eka eval` and `eka build` evaluate: the public top of the atom in `src` (an absolute
# path in the working tree), with its locked dependencies and the evaluation's configuration.
# eka passes every argument with --argstr; `cfgJson` is the canonical JSON (RFC 8785) of the
# configuration and `configDigest` its b3 digest.
{
  src,
  cacheUrl,
  cfgJson,
  configDigest,
  id ? "",
  label,
  version,
}:
let
  atomNix = import ./atom-nix;
  lock = import ./lock.nix {
    inherit cacheUrl configDigest;
    inherit (atomNix) evalAtom;
    cfg = builtins.fromJSON cfgJson;
  };
in
lock.loadAtom {
  inherit src;
  identity = {
    id = if id == "" then null else id;
    inherit label version;
    config = configDigest;
  };
}
