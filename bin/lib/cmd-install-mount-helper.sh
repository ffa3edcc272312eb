# shellcheck shell=bash
# puts /sbin/mount.curvefs in place, so that mount -t curvefs and /etc/fstab lines work (root)

MOUNT_HELPER=/sbin/mount.curvefs

# A wrapper rather than a copy or a symlink: it runs this installation's helper by absolute path from any
# cwd, and a rebuilt or moved-back installation needs no reinstall. Rewritten only when it differs.
curvefs_cmd_install-mount-helper() {
    if (($#)); then
        echo "usage: curvefs install-mount-helper" >&2
        exit 2
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "curvefs: installing $MOUNT_HELPER needs root" >&2
        exit 2
    fi
    local wrapper
    wrapper=$(printf '#!/bin/bash\n# installed by %q install-mount-helper\nexec %q "$@"\n' \
        "$BIN_DIR/curvefs" "$BIN_DIR/mount.curvefs")
    if [[ -f $MOUNT_HELPER && $(<"$MOUNT_HELPER") == "$wrapper" ]]; then
        echo "$MOUNT_HELPER is already installed (runs $BIN_DIR/mount.curvefs)"
        return 0
    fi
    # a mount running meanwhile sees the old helper or the new one, never half a file
    printf '%s\n' "$wrapper" >"$MOUNT_HELPER.tmp.$$"
    chmod 755 "$MOUNT_HELPER.tmp.$$"
    mv -f "$MOUNT_HELPER.tmp.$$" "$MOUNT_HELPER"
    echo "installed $MOUNT_HELPER (runs $BIN_DIR/mount.curvefs)"
}
