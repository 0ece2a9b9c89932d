#!/usr/bin/env bash
# kernel_assets_prepare: makes (once, cached) everything the test VM boots: Debian's own amd64 kernel
# as an uncompressed ELF, the few modules the VM loads from the image package, and gpio-sim built as
# an out-of-tree module against the same kernel. Prints the directory that holds them:
#   vmlinux                the kernel (scripts/lib/extract-vmlinux)
#   modules/NAME.ko        configfs, i2c-dev, i2c-stub and what they depend on
#   modules/NAME.deps      the modules NAME needs loaded first, in order
#   gpio-sim.ko            drivers/gpio/gpio-sim.c + kernel/irq/irq_sim.c in one module
#   release                the kernel's release string ("6.1.0-57-amd64")
#
# Why these steps: Debian's kernels enable the GPIO character device but neither GPIO_SIM nor
# IRQ_SIM, and irq_sim is a built-in-only option, so both sources are compiled into one module here.
# irq_sim.c calls irq_to_desc(), which is not exported to modules; generic_handle_domain_irq() is,
# and resolves the same descriptor before calling the same flow handler.
#
# Which kernel: the newest Debian package version (of series PINFIBER_KERNEL_SERIES, default 6.1)
# for which the unsigned image, its headers (+ common + kbuild) and linux-source all exist, found
# from apt's lists now: the ABI number moves with every security update, so nothing is hard-coded.
# Debian's sources enter only at build time, from the linux-source package; nothing is committed.
#
# Cache: ${PINFIBER_CACHE:-~/.cache/pinfiber}; .debs in debs/ (shared with scripts/sysroot), the
# prepared kernel in kernel/<abi>_<version>/ with a stamp naming its inputs. Without apt lists or a
# network, the newest kernel already prepared is used.

# Sourced by scripts/kernel-vm (which sets -euo pipefail and sources packages.sh).

kernel_say() { echo "pinfiber kernel: $*" >&2; }

kernel_cache_dir() { echo "${PINFIBER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinfiber}"; }

# "ABI VERSION" of the newest complete kernel apt knows, or nothing. Two apt-cache calls in all
# (each loads apt's whole cache, about a second).
kernel_pick() {
  local series=$1 abis table
  abis=$(apt-cache pkgnames "linux-image-$series." 2>/dev/null |
    sed -nE "s/^linux-image-(${series//./\\.}\.[0-9]+-[0-9]+)-amd64-unsigned\$/\1/p" | sort -rV)
  [ -n "$abis" ] || return 0
  # "package version" for every package that matters, every version apt offers.
  table=$(apt-cache madison "linux-source-$series" "linux-kbuild-$series" \
    $(for a in $abis; do echo "linux-image-$a-amd64-unsigned linux-headers-$a-amd64 linux-headers-$a-common"; done) \
    2>/dev/null | awk -F'|' '{gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2}')
  local abi v
  for abi in $abis; do
    for v in $(awk -v p="linux-image-$abi-amd64-unsigned" '$1 == p {print $2}' <<<"$table" | sort -rV); do
      local ok=1 p
      for p in "linux-source-$series" "linux-kbuild-$series" "linux-headers-$abi-amd64" "linux-headers-$abi-common"; do
        grep -qxF "$p $v" <<<"$table" || ok=0
      done
      [ $ok = 1 ] && echo "$abi $v" && return 0
    done
  done
}

# kernel_pick, remembered while apt's package lists stay as they are.
kernel_pick_cached() {
  local series=$1 memo lists
  memo=$(kernel_cache_dir)/kernel/pick-$series
  lists=$(ls -l --time-style=+%s /var/lib/apt/lists/ 2>/dev/null | sha256sum | cut -c1-16)
  if [ -f "$memo" ] && [ "$(head -1 "$memo")" = "$lists" ]; then
    sed -n 2p "$memo"
    return 0
  fi
  local pick
  pick=$(kernel_pick "$series")
  [ -n "$pick" ] && printf '%s\n%s\n' "$lists" "$pick" >"$memo"
  echo "$pick"
}

# Downloads package $1 at version $2 into the .deb cache (if not there) and prints the file's path.
kernel_fetch_deb() {
  local pkg=$1 v=$2 debs uri file
  debs=$(kernel_cache_dir)/debs
  mkdir -p "$debs"
  if ! read -r uri file _ < <(apt-get download --print-uris -qq "$pkg=$v" 2>/dev/null); then
    kernel_say "apt has no download for $pkg=$v"
    return 1
  fi
  if [ ! -s "$debs/$file" ]; then
    kernel_say "downloading $pkg $v"
    # Unsandboxed: the cache may live where apt's _apt user cannot write.
    (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$v" >/dev/null 2>&1) || true
    if [ ! -s "$debs/$file" ]; then
      kernel_say "could not download $pkg=$v (${uri//\'/})"
      return 1
    fi
  fi
  echo "$debs/$file"
}

# Copies module $1 (a name: "i2c-stub") and, first, what it depends on from the unpacked image at $2
# into $3/modules, writing $3/modules/$1.deps (the load order of its dependencies).
kernel_take_module() {
  local name=$1 image=$2 out=$3 path dep deps=()
  path=$(grep -E "(^|/)${name//-/[-_]}\\.ko(\\.xz)?\$" "$image/modules.order" | head -1 || true)
  [ -n "$path" ] || path=$(cd "$image" && find kernel -name "$name.ko*" | head -1)
  if [ -z "$path" ] || [ ! -e "$image/$path" ]; then
    kernel_say "the kernel image has no module $name"
    return 1
  fi
  mkdir -p "$out/modules"
  case "$path" in
    *.xz) xz -dc "$image/$path" >"$out/modules/$name.ko" ;;
    *) cp "$image/$path" "$out/modules/$name.ko" ;;
  esac
  # A module's dependencies are in its .modinfo section ("depends=a,b"), NUL-separated strings.
  for dep in $(tr '\0' '\n' <"$out/modules/$name.ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
    dep=${dep//_/-}
    [ -e "$out/modules/$dep.ko" ] || kernel_take_module "$dep" "$image" "$out"
    [ -f "$out/modules/$dep.deps" ] && mapfile -t -O "${#deps[@]}" deps <"$out/modules/$dep.deps"
    deps+=("$dep")
  done
  printf '%s\n' "${deps[@]}" | awk 'NF && !seen[$0]++' >"$out/modules/$name.deps"
}

# Builds gpio-sim.ko in $3 from the linux-source .deb $1, against the headers tree $2.
kernel_build_gpio_sim() {
  local source_deb=$1 headers=$2 out=$3 series=$4 src=$3/gpio-sim-src
  mkdir -p "$src"
  kernel_say "taking gpio-sim and irq_sim from $(basename "$source_deb")"
  dpkg-deb --fsys-tarfile "$source_deb" | tar -xO "./usr/src/linux-source-$series.tar.xz" |
    tar -xJ -C "$src" --strip-components=1 "linux-source-$series/drivers/gpio/gpio-sim.c" \
      "linux-source-$series/drivers/gpio/gpiolib.h" "linux-source-$series/kernel/irq/irq_sim.c"
  # One module from two sources: the object of a multi-object module may not share a source's name.
  mv "$src/drivers/gpio/gpio-sim.c" "$src/gpio-sim-driver.c"
  mv "$src/drivers/gpio/gpiolib.h" "$src/kernel/irq/irq_sim.c" "$src/"
  # irq_to_desc() is not exported to modules; see the top of this file.
  perl -0pi -e 's/\n\tint irqnum;\n/\n/;
    s/irqnum = irq_find_mapping\(work_ctx->domain, offset\);\s*handle_simple_irq\(irq_to_desc\(irqnum\)\);/generic_handle_domain_irq(work_ctx->domain, offset);/' \
    "$src/irq_sim.c"
  if grep -q 'irq_to_desc' "$src/irq_sim.c" || ! grep -q 'generic_handle_domain_irq' "$src/irq_sim.c"; then
    kernel_say "irq_sim.c of this kernel differs from what the build expects (irq_to_desc call not found)"
    return 1
  fi
  printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-driver.o irq_sim.o\n' >"$src/Kbuild"
  kernel_say "building gpio-sim.ko"
  local t0=$SECONDS
  if ! make -s -C "$headers" M="$src" -j "${PINFIBER_JOBS:-2}" modules >"$src/build.log" 2>&1; then
    cat "$src/build.log" >&2
    kernel_say "building gpio-sim.ko failed"
    return 1
  fi
  cp "$src/gpio-sim.ko" "$out/gpio-sim.ko"
  kernel_say "gpio-sim.ko built in $((SECONDS - t0)) s"
}

# Prepares kernel ABI $1, package version $2, of series $3 into $4 (a fresh directory).
kernel_build_assets() {
  local abi=$1 v=$2 series=$3 out=$4 image_deb headers_deb common_deb kbuild_deb source_deb
  image_deb=$(kernel_fetch_deb "linux-image-$abi-amd64-unsigned" "$v") || return 1
  headers_deb=$(kernel_fetch_deb "linux-headers-$abi-amd64" "$v") || return 1
  common_deb=$(kernel_fetch_deb "linux-headers-$abi-common" "$v") || return 1
  kbuild_deb=$(kernel_fetch_deb "linux-kbuild-$series" "$v") || return 1
  source_deb=$(kernel_fetch_deb "linux-source-$series" "$v") || return 1

  local tree=$out/tree release
  mkdir -p "$tree"
  kernel_say "unpacking the kernel $abi ($v)"
  dpkg-deb -x "$image_deb" "$tree"
  release=$(ls "$tree/lib/modules")
  echo "$release" >"$out/release"
  scripts/lib/extract-vmlinux "$tree/boot/vmlinuz-$release" "$out/vmlinux"
  for m in configfs i2c-dev i2c-stub; do kernel_take_module "$m" "$tree/lib/modules/$release" "$out" || return 1; done

  # The headers packages refer to each other by relative links, except the per-flavour Makefile,
  # which includes the common one by absolute path: point it into the unpacked tree.
  for d in "$headers_deb" "$common_deb" "$kbuild_deb"; do dpkg-deb -x "$d" "$tree"; done
  local headers=$tree/usr/src/linux-headers-$release
  sed -i "s#^include /usr/src/#include $tree/usr/src/#" "$headers/Makefile"
  kernel_build_gpio_sim "$source_deb" "$headers" "$out" "$series" || return 1
  # The unpacked image and headers are large and no longer needed (the .debs stay cached).
  rm -rf "$tree" "$out/gpio-sim-src"
}

# What the prepared assets depend on besides the kernel version: this recipe itself.
kernel_recipe_hash() { cat scripts/lib/kernel-assets.sh scripts/lib/extract-vmlinux | sha256sum | cut -c1-16; }

# Removes what older kernels left in the cache once a newer one is ready (each is some 300 MB).
kernel_prune() {
  local abi=$1 v=$2 cache f
  cache=$(kernel_cache_dir)
  for f in "$cache"/kernel/*_*/; do
    [ "${f%/}" = "$cache/kernel/${abi}_$v" ] || rm -rf "$f"
  done
  for f in "$cache"/debs/linux-{image,headers,kbuild,source}-*.deb; do
    [ -e "$f" ] || continue
    case "$(basename "$f")" in *"_${v//:/%3a}_"*) ;; *) rm -f "$f" ;; esac
  done
}

kernel_assets_prepare() {
  local series=${PINFIBER_KERNEL_SERIES:-6.1} cache pick abi v dir key
  cache=$(kernel_cache_dir)/kernel
  mkdir -p "$cache"
  # One preparation at a time per cache (parallel ctest runs, several worktrees).
  exec 8>"$cache/lock"
  flock 8

  pick=$(kernel_pick_cached "$series")
  if [ -z "$pick" ]; then
    kernel_say "apt knows no complete linux $series kernel (image-unsigned, headers, kbuild, source); apt-get update"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # A partial failure is common while the archive syncs foreign architectures: what counts is
    # whether the kernel packages are known afterwards.
    $sudo apt-get update -qq >/dev/null 2>&1 || kernel_say "apt-get update reported errors; looking anyway"
    pick=$(kernel_pick_cached "$series")
  fi
  key=$(kernel_recipe_hash)
  if [ -z "$pick" ]; then
    # Offline or no lists: a kernel prepared earlier still serves.
    dir=$(ls -d "$cache"/*/ 2>/dev/null | while read -r d; do
      [ "$(cat "$d/stamp" 2>/dev/null)" = "$key" ] && echo "${d%/}"
    done | sort -V | tail -1)
    if [ -z "$dir" ]; then
      kernel_say "no linux-image-$series.*-amd64-unsigned with matching linux-headers-*-amd64," \
        "linux-headers-*-common, linux-kbuild-$series and linux-source-$series in apt's lists" \
        "(is Debian's bookworm + bookworm-security archive in /etc/apt/sources.list*?), and none cached"
      return 1
    fi
    kernel_say "apt offers no kernel now; using the one prepared in $dir"
    flock -u 8
    echo "$dir"
    return 0
  fi
  read -r abi v <<<"$pick"
  dir=$cache/${abi}_$v
  if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$key" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! kernel_build_assets "$abi" "$v" "$series" "$dir"; then
      rm -rf "$dir"
      return 1
    fi
    echo "$key" >"$dir/stamp"
    kernel_say "kernel $abi ($v) ready in $dir"
    kernel_prune "$abi" "$v"
  fi
  flock -u 8
  echo "$dir"
}
