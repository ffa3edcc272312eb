#!/usr/bin/env bash
# build everything and run the whole test suite (installs what it needs first)

curvefs_cmd_test() {
    command -v java >/dev/null || { echo "curvefs test: java (17+) not found" >&2; exit 2; }
    command -v mvn >/dev/null || { echo "curvefs test: mvn not found" >&2; exit 2; }
    # fuse3 (fusermount, which users and the tests unmount with), xattr and ACL tools for the mount tests; git and
    # sqlite3 are real programs the mount tests run on a mount (RealProgramsTest)
    curvefs_install_packages fuse3 attr acl git sqlite3 python3 || exit 2
    cd "$CURVEFS_HOME"
    # install, not verify: the tests module starts the packaged servers through bin/, so every module
    # must be packaged (with target/lib) before it runs; the reactor order guarantees that.
    mvn -B -ntp install "$@"
}
