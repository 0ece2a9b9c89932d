#!/usr/bin/env bash
# A private apt configuration for another Debian suite (trixie, for libgpiod 2), beside the system's.
#
# Why: the build machine runs Debian 12 (bookworm); Raspberry Pi OS Trixie's libgpiod 2 and its
# Debian 13 sysroot come from the trixie suite of the same archive. Adding trixie to the system's
# sources would let `apt-get upgrade` pull Debian 13 into the host, so the suite gets its own
# sources list, lists, cache and an empty dpkg status under ${PINFIBER_CACHE:-~/.cache/pinfiber}/apt-SUITE,
# and is only ever used with `apt-get download` (then `dpkg-deb -x` into a prefix or sysroot).
# Nothing in /etc/apt or /var/lib/apt is read or written: APT_CONFIG points apt at a file whose
# Dir::Etc::* and Dir::State::* lead to the private directories (apt reads APT_CONFIG first, then
# Dir::Etc::parts and Dir::Etc::main, which it names).
#
#   . scripts/lib/side-apt.sh
#   side_apt_init trixie                    # sets SIDE_APT_CONFIG; apt-get update when due
#   side_apt_download DIR pkg:arm64 ...     # the .deb files into DIR (kept: a cache)

side_apt_cache() { echo "${PINFIBER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinfiber}"; }

# side_apt_init SUITE: writes the configuration (once) and updates its lists when they are missing
# or a day old. Both architectures pinfiber uses from trixie: amd64 (the host's libgpiod 2 prefix)
# and arm64 (the Raspberry Pi OS Trixie sysroot).
side_apt_init() {
  local suite=$1 dir
  dir=$(side_apt_cache)/apt-$suite
  mkdir -p "$dir/parts" "$dir/sources.list.d" "$dir/preferences.d" "$dir/state/lists/partial" \
    "$dir/cache/archives/partial"
  [ -f "$dir/state/status" ] || : >"$dir/state/status"
  # The trixie suite is signed with the bookworm and trixie archive keys; Debian 12's
  # debian-archive-keyring has the trixie ones since 2023.3+deb12u2 (April 2025): upgrade an older one.
  if [ "$suite" = trixie ] && [ ! -e /usr/share/keyrings/debian-archive-trixie-automatic.gpg ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "pinfiber: upgrading debian-archive-keyring for trixie's signing keys" >&2
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --only-upgrade debian-archive-keyring >/dev/null || true
  fi
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
    >"$dir/sources.list"
  cat >"$dir/apt.conf" <<EOF
Dir::Etc::main "$dir/apt.conf.none";
Dir::Etc::parts "$dir/parts";
Dir::Etc::sourcelist "$dir/sources.list";
Dir::Etc::sourceparts "$dir/sources.list.d";
Dir::Etc::preferences "$dir/preferences.none";
Dir::Etc::preferencesparts "$dir/preferences.d";
Dir::State "$dir/state";
Dir::State::status "$dir/state/status";
Dir::Cache "$dir/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; "arm64"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
  SIDE_APT_CONFIG=$dir/apt.conf
  local lists=("$dir"/state/lists/*_Packages)
  if [ ! -e "${lists[0]}" ] || [ -n "$(find "$dir/state/lists" -maxdepth 1 -name '*_Packages' -mmin +1440)" ]; then
    side_apt_update
  fi
}

side_apt_update() {
  echo "pinfiber: apt-get update ($(basename "$(dirname "$SIDE_APT_CONFIG")"), a private configuration)" >&2
  APT_CONFIG=$SIDE_APT_CONFIG apt-get update -qq >/dev/null 2>&1 ||
    echo "pinfiber: apt-get update reported errors; checking packages anyway" >&2
}

# side_apt_uris PKG...: "URI FILE SIZE HASH" per package, as apt would download them now.
side_apt_uris() { APT_CONFIG=$SIDE_APT_CONFIG apt-get download --print-uris -qq "$@" 2>/dev/null; }

# side_apt_download DIR PKG...: makes sure DIR holds the .deb of every PKG that apt would download
# now, downloading only what is missing; prints the file names (one a line). Updates the lists once
# if apt does not know a package or the archive no longer has the version the lists name.
side_apt_download() {
  local debs=$1 listing want=() absent=() uri file
  shift
  mkdir -p "$debs"
  if ! listing=$(side_apt_uris "$@"); then
    side_apt_update
    if ! listing=$(side_apt_uris "$@"); then
      local p missing=()
      for p in "$@"; do side_apt_uris "$p" >/dev/null || missing+=("$p"); done
      echo "pinfiber: apt ($(basename "$(dirname "$SIDE_APT_CONFIG")")) knows no candidate for: ${missing[*]}" >&2
      return 1
    fi
  fi
  while read -r uri file _; do
    # name_version_arch.deb -> name:arch (apt-get download verifies size and hash against the lists)
    # ("all" packages by name alone)
    [ -s "$debs/$file" ] && continue
    local arch=${file%.deb}
    arch=${arch##*_}
    if [ "$arch" = all ]; then want+=("${file%%_*}"); else want+=("${file%%_*}:$arch"); fi
  done <<<"$listing"
  if [ ${#want[@]} -ne 0 ]; then
    echo "pinfiber: downloading ${#want[@]} packages from $(basename "$(dirname "$SIDE_APT_CONFIG")")" >&2
    (cd "$debs" && APT_CONFIG=$SIDE_APT_CONFIG apt-get download -qq "${want[@]}" >/dev/null) ||
      echo "pinfiber: apt-get download reported errors; checking files anyway" >&2
  fi
  while read -r uri file _; do [ -s "$debs/$file" ] || absent+=("$file"); done <<<"$listing"
  if [ ${#absent[@]} -ne 0 ]; then
    echo "pinfiber: not downloaded: ${absent[*]}" >&2
    return 1
  fi
  awk '{print $2}' <<<"$listing" | sort
}
