#!/usr/bin/env bash
# End-to-end demo on local repositories (nothing leaves this machine): give a repository an
# identity, push it to a local bare "remote", add two atoms, publish them there and list them;
# then a second repository depends on them (eka add, resolve, tree, outdated, update, verify).
# Usage: npm run demo            (keeps the demo directory and prints where it is)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node=$(bash "$root/scripts/setup.sh" | tail -n 1)
export PATH="$root/bin:$(dirname "$node"):$PATH"

demo=$(mktemp -d "${TMPDIR:-/tmp}/eka-demo.XXXXXX")
bold="" plain=""
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
run() {
  local shown=() a
  for a in "$@"; do [[ "$a" =~ ^[A-Za-z0-9_./:=@^-]+$ ]] && shown+=("$a") || shown+=("'$a'"); done
  printf '%s$ %s%s\n' "$bold" "${shown[*]}" "$plain"
  "$@"
}

cd "$demo"
export GIT_AUTHOR_NAME="Demo Publisher" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Demo Publisher" GIT_COMMITTER_EMAIL="demo@example.com"

step "a source repository with some history, and an empty bare repository as its remote"
run git init -q -b main acme
run git init -q --bare remote.git
printf '# acme monorepo\n' > acme/README.md
run git -C acme add README.md
run git -C acme commit -q -m "first commit"
run git -C acme remote add origin "file://$demo/remote.git"

step "eka init: an init commit with injected entropy becomes the set id; refs/ekala/init is pushed"
cd acme
run eka init --remote origin
run git log -1 --format=raw refs/ekala/init
run git -C ../remote.git for-each-ref refs/ekala

step "running it again changes nothing"
run eka init --remote origin

step "eka new: two atoms, listed in ekala.toml"
run eka new pkgs/button --description "a clickable thing"
run eka new pkgs/validator --label validator --version 1.0.0
run cat ekala.toml
run cat pkgs/button/atom.toml

step "eka status: labels, versions, paths and atom ids (BLAKE3 of the set id and the label)"
run eka status
run eka status --json

step "commit the atoms like any other change"
run git add -A
run git commit -q -m "Add the button and validator atoms"

step "bad input is refused with nothing written"
run eka new pkgs/other --label "9lives" || true
run eka new ../outside || true
run git status --short   # prints nothing: no file was touched

step "eka publish --dry-run: the plan (atom commits, content digests, refs), nothing written"
run eka publish --dry-run

step "eka publish: every new ref of every atom in one atomic push to origin, and the same refs here"
run eka publish
run git -C ../remote.git for-each-ref refs/ekala
run git -C ../remote.git cat-file commit refs/ekala/atoms/button/0.1.0

step "publishing again changes nothing"
run eka publish

step "eka list: the set's atoms and versions, from one ref listing of the remote"
run eka list origin

step "changed content under a published version is refused, with nothing written"
printf 'A button.\n' > pkgs/button/README.md
run git add pkgs/button/README.md
run git commit -q -m "Document the button"
run eka publish || true

step "bump the version and publish again: only the button is new"
run sed -i 's/^version = "0.1.0"/version = "0.2.0"/' pkgs/button/atom.toml
run git commit -q -am "button 0.2.0"
run eka publish
run eka list "file://$demo/remote.git"

step "a second repository depends on acme's atoms: eka add resolves first, then writes atom.toml and atom.lock"
cd "$demo"
run git init -q -b main shop
cd shop
run eka init
run eka new app
cd app
run eka add "file://$demo/remote.git::button@^0.2" --set acme
run eka add validator --set acme
run cat atom.toml
run cat atom.lock

step "eka resolve with the lock up to date: no network, no file touched"
run eka resolve
run eka resolve --locked
run eka tree

step "acme publishes button 0.2.1: resolve is lazy (the lock still satisfies), outdated sees it, update moves it"
(cd "$demo/acme" && sed -i 's/^version = "0.2.0"/version = "0.2.1"/' pkgs/button/atom.toml \
  && git commit -q -am "button 0.2.1" && eka publish -q)
run eka resolve
run eka outdated
run eka update button
run eka resolve --locked

step "bad input is refused with nothing written"
run eka add "file://$demo/remote.git::button@^9" || true
run eka add nosuch:org/repo::x || true
run git status --short   # only the new, uncommitted atom: the failed adds wrote nothing

step "atoms carry Nix code: acme's button gets modules and is published as 0.3.0"
export EKA_CACHE_DIR="$demo/cache"   # eka's cache (atoms for Nix) inside the demo directory
export NIX_CONFIG="substituters ="   # builds here are local: no binary cache is asked
(cd "$demo/acme" \
  && printf '{ Label = "button"; }\n' > pkgs/button/mod.nix \
  && printf '"<button>${cfg.greeting}</button>"\n' > pkgs/button/Render.nix \
  && sed -i 's/^version = "0.2.1"/version = "0.3.0"/' pkgs/button/atom.toml \
  && git add -A && git commit -q -m "button 0.3.0: Nix code" && eka publish -q)
run sed -i 's/^button = .*/button = "^0.3"/' atom.toml
run eka resolve

step "eka verify: every locked atom re-derived from git objects fetched into eka's cache, then offline"
run eka verify
run eka verify --offline

step "the app's own Nix code: public members are capitalised files, deps are the locked atoms"
printf '{ }\n' > mod.nix
printf '"<page>" + deps.acme.button.render + "</page>"\n' > Page.nix
cat > Package.nix <<'NIX'
derivation {
  name = "page";
  system = cfg.system;
  builder = "/bin/sh";
  args = [ "-c" "echo '${atom.page}' > $out" ];
}
NIX
printf '\n[nix.config]\ngreeting = "hello"\n' >> atom.toml
run cat Page.nix Package.nix
run tail -n 2 atom.toml

step "eka eval: button is fetched into eka's cache once, then Nix runs in restrict-eval with only the locked sources"
run eka eval -A page
run eka eval -A page --config greeting=hi   # another configuration, another digest

step "what an atom cannot do is an error at its file and line"
printf 'builtins.getEnv "HOME"\n' > Home.nix
run eka eval -A home || true
rm Home.nix

step "eka build: a /bin/sh derivation (the system is configuration too), then again from the store"
run eka build -A package --config system=x86_64-linux
run eka build -A package --config system=x86_64-linux
out=$(eka build -A package --config system=x86_64-linux | tail -n 1)
run cat "$out"

printf '\n%sdemo repositories are in %s%s\n' "$bold" "$demo" "$plain"
