package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.VfsException;
import io.curvefs.common.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request into its operation and every outcome into a reply: the result, or the errno of
 * what went wrong (the one mapping of {@link Errno}). Nothing escapes: a failure the vfs did not
 * expect is EIO and logged. FORGET, BATCH_FORGET and INTERRUPT get no reply, as the protocol says.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final NodeOps nodes;
    private final FileOps files;
    private final DirOps dirs;
    private final LockOps locks;
    private final RequestStats stats;
    private final DirectoryUse use;

    Dispatcher(NodeOps nodes, FileOps files, DirOps dirs, LockOps locks, RequestStats stats, DirectoryUse use) {
        this.nodes = nodes;
        this.files = files;
        this.dirs = dirs;
        this.locks = locks;
        this.stats = stats;
        this.use = use;
    }

    void dispatch(Request q, Reply r) {
        stats.count(q);
        use.begin(q);
        try {
            serve(q, r);
        } finally {
            use.end(q);
        }
    }

    private void serve(Request q, Reply r) {
        try {
            switch (q.opcode) {
                case Protocol.LOOKUP -> nodes.lookup(q, r);
                case Protocol.FORGET -> nodes.forget(q);
                case Protocol.BATCH_FORGET -> nodes.batchForget(q);
                case Protocol.GETATTR -> nodes.getattr(q, r);
                case Protocol.SETATTR -> nodes.setattr(q, r);
                case Protocol.READLINK -> nodes.readlink(q, r);
                case Protocol.SYMLINK -> nodes.symlink(q, r);
                case Protocol.MKNOD -> nodes.mknod(q, r);
                case Protocol.MKDIR -> nodes.mkdir(q, r);
                case Protocol.UNLINK -> nodes.unlink(q, r);
                case Protocol.RMDIR -> nodes.rmdir(q, r);
                case Protocol.RENAME -> nodes.rename(q, r, false);
                case Protocol.RENAME2 -> nodes.rename(q, r, true);
                case Protocol.LINK -> nodes.link(q, r);
                case Protocol.STATFS -> nodes.statfs(q, r);
                case Protocol.SETXATTR -> nodes.setxattr(q, r);
                case Protocol.GETXATTR -> nodes.getxattr(q, r);
                case Protocol.LISTXATTR -> nodes.listxattr(q, r);
                case Protocol.REMOVEXATTR -> nodes.removexattr(q, r);
                case Protocol.ACCESS -> nodes.access(q, r);
                case Protocol.OPEN -> files.open(q, r);
                case Protocol.CREATE -> files.create(q, r);
                case Protocol.READ -> files.read(q, r);
                case Protocol.WRITE -> files.write(q, r);
                case Protocol.FLUSH -> files.flush(q, r);
                case Protocol.RELEASE -> files.release(q, r);
                case Protocol.FSYNC -> files.fsync(q, r);
                case Protocol.FALLOCATE -> files.fallocate(q, r);
                case Protocol.OPENDIR -> dirs.opendir(q, r);
                case Protocol.READDIR -> dirs.readdir(q, r, false);
                case Protocol.READDIRPLUS -> dirs.readdir(q, r, true);
                case Protocol.RELEASEDIR -> dirs.releasedir(q, r);
                case Protocol.FSYNCDIR -> dirs.fsyncdir(q, r);
                case Protocol.GETLK -> locks.getlk(q, r);
                case Protocol.SETLK -> locks.setlk(q, r, false);
                case Protocol.SETLKW -> locks.setlk(q, r, true);
                // only a waiting lock can be interrupted: every other request ends by itself within its RPC deadline
                case Protocol.INTERRUPT -> locks.interrupt(q, r);
                case Protocol.DESTROY -> r.ok(q.unique);
                // bmap, ioctl, poll, lseek, copy_file_range, tmpfile: the kernel's fallbacks
                default -> r.error(q.unique, Errno.ENOSYS);
            }
        } catch (VfsException | RpcException e) {
            int errno = Errno.of(e);
            if (errno == Errno.EIO || errno == Errno.ETIMEDOUT) {
                LOG.warn("request {} on inode {}: {}", q.opcode, q.nodeid, e.getMessage());
            } else {
                LOG.debug("request {} on inode {}: {}", q.opcode, q.nodeid, e.getMessage());
            }
            r.error(q.unique, errno);
        } catch (Throwable t) {
            LOG.warn("request {} on inode {} failed: {}", q.opcode, q.nodeid, t.toString());
            r.error(q.unique, Errno.EIO);
        }
    }
}
