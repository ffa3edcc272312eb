#!/usr/bin/env bash
# build everything and run the whole test suite (installs what it needs first)

# Debian packages the suites use: FUSE (libfuse2 for jnr-fuse, fuse3 for fusermount), xattr and ACL tools.
CURVEFS_TEST_PACKAGES=(libfuse2 fuse3 attr acl)

curvefs_install_test_packages() {
    local missing=() p
    for p in "${CURVEFS_TEST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        echo "curvefs test: missing packages ${missing[*]} and cannot install them (need root and apt-get)" >&2
        return 1
    fi
    echo "curvefs test: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

curvefs_cmd_test() {
    command -v java >/dev/null || { echo "curvefs test: java (17+) not found" >&2; exit 2; }
    command -v mvn >/dev/null || { echo "curvefs test: mvn not found" >&2; exit 2; }
    curvefs_install_test_packages || exit 2
    cd "$CURVEFS_HOME"
    # install, not verify: the tests module starts the packaged servers through bin/, so every module
    # must be packaged (with target/lib) before it runs; the reactor order guarantees that.
    mvn -B -ntp install "$@"
}
