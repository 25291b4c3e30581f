#!/usr/bin/env bash
# Make this machine ready for the peer benchmark (bench/cases/resolve-peers.ts), which times
# npm, cargo, Go modules and `nix flake lock` resolving the same git dependencies as eka.
# Safe to run any number of times: each step checks first and only acts when something is
# missing. Tools come from Debian apt; cargo may instead be a rustup install in ~/.cargo/bin.
#   - go (golang-go), git, nix (nix-bin), npm (comes with Node; apt's npm when there is none)
#   - cargo: kept when found on PATH or in ~/.cargo/bin, else Debian's cargo
# Prints each tool's version at the end; a tool still missing is reported, not fatal (the
# benchmark runs the others and says why one is missing).
set -euo pipefail
log() { printf 'setup-bench: %s\n' "$*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

missing=()
have go || missing+=(golang-go)
have git || missing+=(git)
have nix || missing+=(nix-bin)
have npm || missing+=(npm)
if ! have cargo && [ ! -x "$HOME/.cargo/bin/cargo" ]; then missing+=(cargo); fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "installing from apt: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

cargo_bin=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
for tool in go git nix npm "$cargo_bin"; do
  case "$tool" in
  go) version=$(go version 2>/dev/null) ;;
  *) version=$("$tool" --version 2>/dev/null | head -1) ;;
  esac
  if [ -n "${version:-}" ]; then log "$tool: $version"; else log "$tool: MISSING"; fi
  version=
done
