# shellcheck shell=bash disable=SC2034
# Helpers shared by scripts/build, scripts/run and scripts/test.
#
# Not a command: each script sources it with `. "$(dirname "$0")/lib.sh"`.
# It sets ROOT to the repository root and defines functions that either do
# their job or stop the calling script with a one-line message.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=ngx_http_mattermost_preauth_module

# Debian/Ubuntu packages needed to build the module and the vendored nginx
BUILD_PACKAGES=(libclang-dev libpcre2-dev zlib1g-dev libssl-dev make gcc
    binutils pkg-config curl perl openssl)

# packages needed to build for, and test against, the distribution's nginx
SYSTEM_PACKAGES=(nginx nginx-dev)

# packages needed to build and check the Debian package
PACKAGE_PACKAGES=(dpkg-dev lintian)


say() {
    printf '%s: %s\n' "${0##*/}" "$*"
}


die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 1
}


is_debian() {
    command -v dpkg >/dev/null && command -v apt-get >/dev/null
}


# prints the given packages that dpkg does not report as installed
missing_packages() {
    local pkg

    for pkg in "$@"; do
        if ! dpkg -s "$pkg" 2>/dev/null \
            | grep -qx 'Status: install ok installed'
        then
            printf '%s\n' "$pkg"
        fi
    done
}


# refreshes the package lists, once per run of the scripts
apt_update() {
    if [[ -z ${PREAUTH_APT_UPDATED:-} ]]; then
        apt-get update
        export PREAUTH_APT_UPDATED=1
    fi
}


# installs packages; needs root
apt_install() {
    apt_update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}


# apt_has PKG: true when apt knows a version of PKG it could install (after
# apt_update)
apt_has() {
    local candidate

    candidate=$(apt-cache policy "$1" 2>/dev/null \
        | sed -n 's/^ *Candidate: *//p')
    [[ -n $candidate && $candidate != "(none)" ]]
}


# ensure_packages PKG...: installs the missing ones, or says how and stops
ensure_packages() {
    local missing pkg

    if ! is_debian; then
        say "not Debian or Ubuntu: make sure the equivalents of $* are" \
            "installed"
        return 0
    fi

    mapfile -t missing < <(missing_packages "$@")
    if (( ${#missing[@]} == 0 )); then
        return 0
    fi

    if (( EUID != 0 )); then
        die "missing packages, install them with:" \
            "sudo apt-get install ${missing[*]}"
    fi

    apt_update
    for pkg in "${missing[@]}"; do
        apt_has "$pkg" || die "$pkg is not available from apt here"
    done

    say "installing ${missing[*]}"
    apt_install "${missing[@]}"
}


# makes sure cargo is on PATH, or says how to get it and stops
ensure_cargo() {
    local version

    if ! command -v cargo >/dev/null && [[ -x $HOME/.cargo/bin/cargo ]]; then
        PATH=$HOME/.cargo/bin:$PATH
    fi

    if ! command -v cargo >/dev/null; then
        version=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' \
            "$ROOT/Cargo.toml")
        die "cargo not found: install Rust ${version:-stable} or newer" \
            "with rustup (https://rustup.rs) and open a new shell"
    fi
}


# put_file SRC DST: copies SRC to DST by renaming a fresh copy over it, so
# an nginx running from DST keeps its own binary or module intact
put_file() {
    cp "$1" "$2.new"
    mv -f "$2.new" "$2"
}


# nginx_version BINARY: prints the version BINARY reports, e.g. 1.22.1
nginx_version() {
    "$1" -v 2>&1 | sed -n 's|^nginx version: [^/]*/\([^ ]*\).*|\1|p'
}


# source_version DIR: prints the version of the nginx source tree in DIR
source_version() {
    sed -n 's/^#define NGINX_VERSION *"\(.*\)"/\1/p' \
        "$1/src/core/nginx.h" 2>/dev/null
}


# vendored_source: prints the nginx source tree that the newest nginx-sys
# build under target/ (the vendored nginx of `scripts/build`) was built
# from; objs/last-build-info starts with its quoted path
vendored_source() {
    local target=${CARGO_TARGET_DIR:-$ROOT/target} info

    # shellcheck disable=SC2012 # cargo's own names, plain characters
    info=$(ls -t "$target"/release/build/nginx-sys-*/out/objs/last-build-info \
        2>/dev/null | head -n 1)
    [[ -n $info ]] || return 1
    sed -n '1s/^"\([^"]*\)".*/\1/p' "$info"
}


# check_module_loads BINARY MODULE: stops unless `BINARY -t` accepts a
# configuration that loads MODULE and uses one of its directives
check_module_loads() {
    local nginx=$1 module=$2 dir output

    dir=$(mktemp -d)

    # temporary paths are set because distribution builds compile in
    # directories such as /var/lib/nginx that may not exist or be writable
    cat > "$dir/nginx.conf" <<EOF
load_module "$module";
pid "$dir/nginx.pid";
lock_file "$dir/nginx.lock";
events {
}
http {
    client_body_temp_path "$dir/client_body";
    proxy_temp_path "$dir/proxy";
    fastcgi_temp_path "$dir/fastcgi";
    uwsgi_temp_path "$dir/uwsgi";
    scgi_temp_path "$dir/scgi";
    access_log off;
    mattermost_preauth off;
}
EOF

    if ! output=$("$nginx" -t -q -p "$dir/" -c "$dir/nginx.conf" \
        -e "$dir/error.log" 2>&1)
    then
        rm -rf "$dir"
        die "$nginx does not load $module:" \
            "$(printf '%s\n' "$output" | grep -m1 . || true)"
    fi

    rm -rf "$dir"

    # nginx's own build system links against the module's symbol by name
    nm -D --defined-only "$module" | grep -qw "$MODULE" \
        || die "$module does not export the symbol $MODULE"
}
