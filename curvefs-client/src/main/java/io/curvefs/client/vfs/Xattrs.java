package io.curvefs.client.vfs;

import com.google.protobuf.ByteString;
import io.curvefs.proto.metaserver.Inode;

import java.util.List;
import java.util.TreeSet;

/** The POSIX rules of extended attributes over the inode's xattr map (ENODATA, XATTR_CREATE/REPLACE). */
final class Xattrs {
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;

    private Xattrs() {
    }

    static byte[] get(Inode inode, String name) {
        ByteString v = inode.getXattrMap().get(name);
        if (v == null) {
            throw new VfsException(Errno.ENODATA, "no attribute " + name + " on inode " + inode.getInodeId());
        }
        return v.toByteArray();
    }

    /** Sorted, so listings are stable. */
    static List<String> names(Inode inode) {
        return List.copyOf(new TreeSet<>(inode.getXattrMap().keySet()));
    }

    static void checkSet(Inode inode, String name, int flags) {
        boolean exists = inode.getXattrMap().containsKey(name);
        if ((flags & XATTR_CREATE) != 0 && exists) {
            throw new VfsException(Errno.EEXIST, "attribute " + name + " exists");
        }
        if ((flags & XATTR_REPLACE) != 0 && !exists) {
            throw new VfsException(Errno.ENODATA, "no attribute " + name);
        }
    }

    static void checkRemove(Inode inode, String name) {
        if (!inode.getXattrMap().containsKey(name)) {
            throw new VfsException(Errno.ENODATA, "no attribute " + name);
        }
    }
}
