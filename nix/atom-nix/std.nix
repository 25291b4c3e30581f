# std: what every atom module gets as `std`, the pure builtins plus a small library.
# Called with the pure builtins (the forbidden ones already removed by scope.nix).
pure:
let
  inherit (pure)
    attrNames
    concatMap
    elem
    filter
    foldl'
    genList
    length
    listToAttrs
    stringLength
    substring
    ;
  upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  lower = "abcdefghijklmnopqrstuvwxyz";
  chars = s: genList (i: substring i 1 s) (stringLength s);
  upperChars = genList (i: substring i 1 upper) 26;
  lowerChars = genList (i: substring i 1 lower) 26;
in
pure
// rec {
  id = x: x;
  const = x: _: x;
  flip = f: a: b: f b a;
  toLower = pure.replaceStrings upperChars lowerChars;
  toUpper = pure.replaceStrings lowerChars upperChars;
  hasPrefix = p: s: substring 0 (stringLength p) s == p;
  hasSuffix =
    p: s:
    let
      n = stringLength s;
      m = stringLength p;
    in
    m <= n && substring (n - m) m s == p;
  removePrefix = p: s: if hasPrefix p s then substring (stringLength p) (stringLength s) s else s;
  removeSuffix =
    p: s: if hasSuffix p s then substring 0 (stringLength s - stringLength p) s else s;
  optional = c: x: if c then [ x ] else [ ];
  optionals = c: xs: if c then xs else [ ];
  optionalAttrs = c: a: if c then a else { };
  genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);
  mapAttrs' = f: a: listToAttrs (map (n: f n a.${n}) (attrNames a));
  filterAttrs = p: a: listToAttrs (concatMap (n: if p n a.${n} then [ { name = n; value = a.${n}; } ] else [ ]) (attrNames a));
  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  concatLines = xs: pure.concatStringsSep "" (map (x: x + "\n") xs);
  last = xs: pure.elemAt xs (length xs - 1);
  count = p: xs: length (filter p xs);
  stringToCharacters = chars;
}
