package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Modes;
import io.curvefs.proto.metaserver.Inode;

import java.nio.ByteBuffer;

/** An inode's attributes as the kernel's struct fuse_attr; the nodeid and st_ino are our inode id. */
final class Attrs {
    static final int BLOCK_SIZE = 4096;

    private Attrs() {
    }

    /** Writes the 88 bytes of fuse_attr at {@code at}. */
    static void put(ByteBuffer b, int at, Inode inode) {
        b.putLong(at, inode.getInodeId());
        b.putLong(at + 8, inode.getLength());
        // 512-byte units of what a file may occupy; holes are not tracked, so this is an upper bound
        b.putLong(at + 16, Modes.isRegular(inode.getMode()) ? (inode.getLength() + 511) / 512 : 0);
        b.putLong(at + 24, inode.getAtime());
        b.putLong(at + 32, inode.getMtime());
        b.putLong(at + 40, inode.getCtime());
        b.putInt(at + 48, inode.getAtimeNs());
        b.putInt(at + 52, inode.getMtimeNs());
        b.putInt(at + 56, inode.getCtimeNs());
        b.putInt(at + 60, inode.getMode());
        b.putInt(at + 64, inode.getNlink());
        b.putInt(at + 68, inode.getUid());
        b.putInt(at + 72, inode.getGid());
        b.putInt(at + 76, (int) inode.getRdev());
        b.putInt(at + 80, BLOCK_SIZE);
        b.putInt(at + 84, 0);
    }
}
