#!/bin/sh
# OpenClaw installer for Linux (glibc) and macOS.
#
#   curl -fsSL <base>/install.sh | sh
#   curl -fsSL <base>/install.sh | sh -s -- --service
#   sh install.sh [--prefix DIR] [--service] [--version V]
#
# Downloads openclaw-<os>-<arch> and SHA256SUMS, verifies the checksum, and replaces DIR/openclaw with a
# rename, so a running gateway keeps its old inode and a rerun upgrades in place. Nothing is written to
# DIR until the download has been verified and has run once.
#
# Environment: OPENCLAW_INSTALL_BASE_URL (folder holding the release files; overrides the --version URL),
# OPENCLAW_INSTALL_PREFIX (like --prefix), OPENCLAW_INSTALL_OS / OPENCLAW_INSTALL_ARCH (skip detection).
#
# Everything lives in functions and main runs on the last line: with `curl | sh` the shell has then read
# the whole script before any child process could consume the rest of stdin.

RELEASES_URL="https://github.com/openclaw-gateway/openclaw-gateway/releases"
SUPPORTED_PLATFORMS="linux-x64, linux-arm64, darwin-x64, darwin-arm64 (Windows: use install.ps1)"

set -eu

say() { printf 'openclaw-install: %s\n' "$*"; }
die() {
  printf 'openclaw-install: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: install.sh [--prefix DIR] [--service] [--version V]
  --prefix DIR   install openclaw into DIR (default: ~/.local/bin, or /usr/local/bin as root)
  --service      run `openclaw gateway install` afterwards (starts the gateway as a service)
  --version V    install release V instead of the latest one
EOF
}

# Prints the release OS name: linux or darwin.
detect_os() {
  os=${OPENCLAW_INSTALL_OS:-$(uname -s)}
  case $os in
    Linux | linux) echo linux ;;
    Darwin | darwin | macos) echo darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows* | windows)
      die "this is Windows: run install.ps1 in PowerShell instead" ;;
    *) die "unsupported operating system: $os (supported: $SUPPORTED_PLATFORMS)" ;;
  esac
}

# Prints the release arch name: x64 or arm64.
detect_arch() {
  arch=${OPENCLAW_INSTALL_ARCH:-$(uname -m)}
  case $arch in
    x86_64 | amd64 | x64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture: $arch (supported: x86_64/amd64 and aarch64/arm64; platforms: $SUPPORTED_PLATFORMS)" ;;
  esac
  # A shell under Rosetta 2 reports x86_64 on Apple silicon; the native arm64 build is the right one.
  if [ "$1" = darwin ] && [ "$arch" = x64 ] && [ -z "${OPENCLAW_INSTALL_ARCH:-}" ] &&
    [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    arch=arm64
  fi
  echo "$arch"
}

# The release binaries link against glibc; Alpine and other musl systems cannot run them.
require_glibc() {
  if [ -n "${OPENCLAW_INSTALL_OS:-}" ] || getconf GNU_LIBC_VERSION >/dev/null 2>&1; then return 0; fi
  if (ldd --version 2>&1 || true) | grep -qi musl || ls /lib/ld-musl-* >/dev/null 2>&1; then
    die "this Linux uses musl libc (e.g. Alpine); only glibc-based Linux is supported (e.g. Debian, Ubuntu, Fedora)"
  fi
}

default_prefix() {
  if [ "$(id -u)" = 0 ]; then echo /usr/local/bin; else echo "${HOME:?HOME is not set}/.local/bin"; fi
}

# download URL FILE
download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die "download failed: $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "download failed: $1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed, so the download cannot be verified"
  fi
}

# verify_checksum FILE ASSET SUMS
verify_checksum() {
  # sha256sum lines are "<hex>  <name>", or "<hex> *<name>" in binary mode.
  expected=$(awk -v name="$2" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$3")
  [ -n "$expected" ] || die "SHA256SUMS has no entry for $2"
  actual=$(sha256_of "$1" | tr 'A-F' 'a-f')
  if [ "$actual" != "$expected" ]; then
    die "checksum mismatch for $2 (expected $expected, got $actual); nothing was installed"
  fi
}

# Reads the version out of "OpenClaw <version> (<commit>)".
version_of() { sed -n 's/^OpenClaw \([^ ]*\) .*/\1/p'; }

cleanup() {
  if [ -n "${staged:-}" ]; then rm -f "$staged"; fi
  # A refused install leaves no trace: the folders this run made for the prefix go again, innermost first,
  # up to the outermost one it made (rmdir only removes empty folders, so nothing else can go).
  if [ -n "${new_prefix:-}" ]; then
    d=$prefix
    while rmdir "$d" 2>/dev/null && [ "$d" != "$new_prefix" ]; do d=$(dirname "$d"); done
  fi
  if [ -n "${workdir:-}" ]; then rm -rf "$workdir"; fi
}

main() {
  prefix=${OPENCLAW_INSTALL_PREFIX:-}
  service=0
  version=""
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift ;;
      --prefix=*) prefix=${1#--prefix=} ;;
      --version) [ $# -ge 2 ] || die "--version needs a version"; version=${2#v}; shift ;;
      --version=*) version=${1#--version=}; version=${version#v} ;;
      --service) service=1 ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  [ -n "$prefix" ] || prefix=$(default_prefix)

  os=$(detect_os)
  arch=$(detect_arch "$os")
  if [ "$os" = linux ]; then require_glibc; fi
  asset="openclaw-$os-$arch"
  if [ -n "${OPENCLAW_INSTALL_BASE_URL:-}" ]; then
    base_url=${OPENCLAW_INSTALL_BASE_URL%/}
  elif [ -n "$version" ]; then
    base_url="$RELEASES_URL/download/v$version"
  else
    base_url="$RELEASES_URL/latest/download"
  fi

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  workdir=$(mktemp -d 2>/dev/null || mktemp -d -t openclaw-install)

  say "downloading $asset from $base_url"
  download "$base_url/$asset" "$workdir/$asset"
  download "$base_url/SHA256SUMS" "$workdir/SHA256SUMS"
  verify_checksum "$workdir/$asset" "$asset" "$workdir/SHA256SUMS"

  if [ ! -d "$prefix" ]; then
    new_prefix=$prefix
    while parent=$(dirname "$new_prefix") && [ ! -d "$parent" ]; do new_prefix=$parent; done
  fi
  mkdir -p "$prefix" || die "cannot create $prefix (use --prefix DIR, or run as root for /usr/local/bin)"
  prefix=$(cd "$prefix" && pwd)
  if [ -n "${new_prefix:-}" ]; then new_prefix=$(cd "$new_prefix" && pwd); fi
  # Stage inside the target folder: the final mv is then a same-filesystem rename, and the trial run below
  # works even where /tmp is mounted noexec.
  staged="$prefix/.openclaw.tmp.$$"
  cp "$workdir/$asset" "$staged" || die "cannot write to $prefix"
  chmod 755 "$staged"
  banner=$("$staged" --version </dev/null 2>&1) || die "the downloaded binary does not run on this machine: $banner"
  got=$(printf '%s\n' "$banner" | version_of)
  if [ -n "$version" ] && [ "$got" != "$version" ]; then
    die "asked for version $version but the download is ${got:-unknown} ($banner); nothing was installed"
  fi
  mv -f "$staged" "$prefix/openclaw"
  staged=""
  new_prefix=""

  banner=$("$prefix/openclaw" --version </dev/null 2>&1) || die "installed $prefix/openclaw but it failed to run: $banner"
  say "installed $banner at $prefix/openclaw"
  advise_path "$prefix"

  if [ "$service" = 1 ]; then
    say "installing the gateway service: $prefix/openclaw gateway install"
    # Under `curl | sh` stdin is the script pipe, not the user; only a terminal is passed on.
    if [ -t 0 ]; then
      "$prefix/openclaw" gateway install || die "openclaw is installed, but 'openclaw gateway install' failed"
    else
      "$prefix/openclaw" gateway install </dev/null || die "openclaw is installed, but 'openclaw gateway install' failed"
    fi
  fi
}

advise_path() {
  case ":${PATH:-}:" in
    *":$1:"*)
      found=$(command -v openclaw 2>/dev/null || true)
      if [ -n "$found" ] && [ "$found" != "$1/openclaw" ]; then
        say "note: $found comes earlier on your PATH than $1/openclaw"
      fi
      ;;
    *)
      say "$1 is not on your PATH; add it with:"
      say "  echo 'export PATH=\"$1:\$PATH\"' >> ~/.profile && . ~/.profile"
      ;;
  esac
}

main "$@"
