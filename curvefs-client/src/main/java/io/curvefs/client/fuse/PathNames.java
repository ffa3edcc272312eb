package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Vfs;

/**
 * Resolves the absolute paths of libfuse's high-level API to inode ids, one lookup per component. Each
 * lookup is served by the vfs's dentry cache, so a deep path costs network round trips only for
 * components not seen within the entry timeout.
 */
final class PathNames {
    /** The parent directory's path and the last component of a path. */
    record Split(String parentPath, String name) {
    }

    private final Vfs vfs;

    PathNames(Vfs vfs) {
        this.vfs = vfs;
    }

    long resolve(String path) {
        long ino = Vfs.ROOT;
        int start = 1;
        while (start < path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (end > start) {
                ino = vfs.lookup(ino, path.substring(start, end)).getInodeId();
            }
            start = end + 1;
        }
        return ino;
    }

    static Split split(String path) {
        int slash = path.lastIndexOf('/');
        return new Split(slash <= 0 ? "/" : path.substring(0, slash), path.substring(slash + 1));
    }

    /** libfuse's name for a file unlinked while open (".fuse_hiddenXXXXXXXX"), see dependencies.md §2. */
    static boolean isHiddenName(String name) {
        return name.startsWith(".fuse_hidden");
    }
}
