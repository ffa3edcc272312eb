package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Modes;
import io.curvefs.proto.metaserver.Inode;
import ru.serce.jnrfuse.struct.FileStat;

/** Inode attributes into libfuse's struct stat (st_ino is the real inode id: the mount uses use_ino). */
final class Attrs {
    static final int BLOCK_SIZE = 4096;

    private Attrs() {
    }

    static void fill(Inode inode, FileStat st) {
        st.st_ino.set(inode.getInodeId());
        st.st_mode.set(inode.getMode());
        st.st_nlink.set(inode.getNlink());
        st.st_uid.set(inode.getUid());
        st.st_gid.set(inode.getGid());
        st.st_size.set(inode.getLength());
        st.st_rdev.set(inode.getRdev());
        st.st_blksize.set(BLOCK_SIZE);
        // 512-byte units of what a file may occupy; holes are not tracked, so this is an upper bound
        st.st_blocks.set(Modes.isRegular(inode.getMode()) ? (inode.getLength() + 511) / 512 : 0);
        st.st_atim.tv_sec.set(inode.getAtime());
        st.st_atim.tv_nsec.set(inode.getAtimeNs());
        st.st_mtim.tv_sec.set(inode.getMtime());
        st.st_mtim.tv_nsec.set(inode.getMtimeNs());
        st.st_ctim.tv_sec.set(inode.getCtime());
        st.st_ctim.tv_nsec.set(inode.getCtimeNs());
    }
}
