package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Caller;
import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.FsUsage;
import io.curvefs.client.vfs.Modes;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.client.vfs.VfsException;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The jnr-fuse adapter (libfuse2 high-level, path based): resolves paths to inodes, calls the vfs and
 * turns every outcome into 0, a byte count or a negative errno. Nothing is thrown into native code.
 * Handles live in fi.fh. Names of the form .fuse_hidden* are libfuse's way to keep a file that was
 * unlinked while open; they are served by {@link Vfs#hide} / {@link Vfs#unhide} and never stored.
 */
public final class CurveFuseFs extends FuseStubFS {
    private static final Logger LOG = LoggerFactory.getLogger(CurveFuseFs.class);
    /** utimensat's special nanosecond values. */
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    /** fuse_operations.flag_utime_omit_ok: bit 2 of the bit-field word that follows bmap (little-endian). */
    private static final int FLAG_UTIME_OMIT_OK = 1 << 2;
    /** libfuse2 sends at most 128 KiB per read or write here (max_write); a larger request gets a buffer of its own. */
    private static final int IO_BUFFER = 128 << 10;
    private static final int NAME_MAX = 255;
    /** libfuse2 runs at most 10 idle workers; a few more buffers absorb bursts. */
    private static final int MAX_POOLED_BUFFERS = 32;
    private static final long FREE_INODES = 1L << 40;

    private final Vfs vfs;
    private final PathNames paths;
    private final ConcurrentLinkedQueue<byte[]> ioBuffers = new ConcurrentLinkedQueue<>();

    public CurveFuseFs(Vfs vfs) {
        this.vfs = vfs;
        this.paths = new PathNames(vfs);
        allowOmittedTimes();
    }

    /**
     * Without flag_utime_omit_ok, libfuse2 calls utimens only when a setattr sets both atime and mtime,
     * and answers success for one that sets only one of them (utimensat with UTIME_OMIT: touch -m, tar
     * restoring mtimes) without calling us: the times silently stay. jnr-fuse 0.5.8 declares the bit
     * field as padding bytes, so the bit is set in the struct's memory, at the padding's offset (not
     * public in jnr-ffi, hence reflection; a jnr-ffi without it fails the mount loudly).
     */
    private void allowOmittedTimes() {
        Object flags = fuseOperations.flag_nullpath_ok;
        try {
            Method offsetOf = null;
            for (Class<?> c = flags.getClass(); offsetOf == null && c != null; c = c.getSuperclass()) {
                offsetOf = Arrays.stream(c.getDeclaredMethods())
                        .filter(m -> m.getName().equals("offset") && m.getParameterCount() == 0)
                        .findFirst().orElse(null);
            }
            if (offsetOf == null) {
                throw new NoSuchMethodException("jnr.ffi.Struct.Member.offset()");
            }
            offsetOf.setAccessible(true);
            long at = (long) offsetOf.invoke(flags);
            Pointer ops = Struct.getMemory(fuseOperations);
            ops.putByte(at, (byte) (ops.getByte(at) | FLAG_UTIME_OMIT_OK));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set flag_utime_omit_ok in jnr-fuse's fuse_operations", e);
        }
    }

    /** One FUSE operation's body; may throw anything, {@link #call} maps it. */
    private interface Op {
        int run() throws Exception;
    }

    private int call(String op, String path, Op body) {
        try {
            return body.run();
        } catch (VfsException e) {
            LOG.debug("{} {}: {}", op, path, e.getMessage());
            return -e.errno();
        } catch (RpcException e) {
            int errno = Errno.of(e);
            if (errno == Errno.EIO || errno == Errno.ETIMEDOUT) {
                LOG.warn("{} {}: {} {}", op, path, e.code(), e.getMessage());
            }
            return -errno;
        } catch (Throwable t) {
            LOG.warn("{} {} failed: {}", op, path, t.toString());
            return -Errno.EIO;
        }
    }

    private Caller caller() {
        FuseContext ctx = getContext();
        return new Caller((int) ctx.uid.get(), (int) ctx.gid.get(), (int) ctx.umask.get());
    }

    private long parentOf(PathNames.Split s) {
        return paths.resolve(s.parentPath());
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return call("getattr", path, () -> {
            Attrs.fill(vfs.getattr(paths.resolve(path)), stat);
            return 0;
        });
    }

    /** By handle: no path to resolve. */
    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return call("fgetattr", path, () -> {
            Attrs.fill(vfs.fgetattr(fi.fh.get()), stat);
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return call("readlink", path, () -> {
            byte[] target = vfs.readlink(paths.resolve(path)).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int mknod(String path, @mode_t long mode, long rdev) {
        return call("mknod", path, () -> {
            PathNames.Split s = PathNames.split(path);
            vfs.mknod(caller(), parentOf(s), s.name(), (int) mode, rdev);
            return 0;
        });
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return call("mkdir", path, () -> {
            PathNames.Split s = PathNames.split(path);
            vfs.mkdir(caller(), parentOf(s), s.name(), (int) mode);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return call("unlink", path, () -> {
            PathNames.Split s = PathNames.split(path);
            // by name alone: the alias's directory may be gone already (rmdir after the hiding rename)
            if (!PathNames.isHiddenName(s.name()) || !vfs.unhide(s.name())) {
                vfs.unlink(caller(), parentOf(s), s.name());
            }
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return call("rmdir", path, () -> {
            PathNames.Split s = PathNames.split(path);
            vfs.rmdir(caller(), parentOf(s), s.name());
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        return call("symlink", path, () -> {
            PathNames.Split s = PathNames.split(path);
            vfs.symlink(caller(), parentOf(s), s.name(), target);
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return call("rename", from, () -> {
            PathNames.Split src = PathNames.split(from);
            PathNames.Split dst = PathNames.split(to);
            long srcParent = parentOf(src);
            long dstParent = parentOf(dst);
            if (PathNames.isHiddenName(dst.name())) {
                vfs.hide(caller(), srcParent, src.name(), dstParent, dst.name());
            } else {
                vfs.rename(caller(), srcParent, src.name(), dstParent, dst.name());
            }
            return 0;
        });
    }

    @Override
    public int link(String from, String to) {
        return call("link", to, () -> {
            PathNames.Split dst = PathNames.split(to);
            vfs.link(paths.resolve(from), parentOf(dst), dst.name());
            return 0;
        });
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return call("chmod", path, () -> {
            vfs.chmod(paths.resolve(path), (int) mode);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return call("chown", path, () -> {
            vfs.chown(paths.resolve(path), uid, gid);
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return call("truncate", path, () -> {
            vfs.truncate(paths.resolve(path), size);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return call("ftruncate", path, () -> {
            vfs.ftruncate(fi.fh.get(), size);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return call("utimens", path, () -> {
            Time now = nowTime();
            vfs.utimens(paths.resolve(path), time(timespec[0], now), time(timespec[1], now));
            return 0;
        });
    }

    private static Time time(Timespec ts, Time now) {
        long nsec = ts.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return now;
        }
        return Time.newBuilder().setSec(ts.tv_sec.get()).setNsec((int) nsec).build();
    }

    private static Time nowTime() {
        Instant t = Instant.now();
        return Time.newBuilder().setSec(t.getEpochSecond()).setNsec(t.getNano()).build();
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return call("open", path, () -> {
            fi.fh.set(vfs.open(paths.resolve(path), fi.flags.get()).fh());
            return 0;
        });
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return call("create", path, () -> {
            PathNames.Split s = PathNames.split(path);
            fi.fh.set(vfs.create(caller(), parentOf(s), s.name(), (int) mode, fi.flags.get()).fh());
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("read", path, () -> {
            byte[] bytes = borrow((int) size);
            try {
                int n = vfs.read(fi.fh.get(), offset, ByteBuffer.wrap(bytes, 0, (int) size));
                buf.put(0, bytes, 0, n);
                return n;
            } finally {
                giveBack(bytes);
            }
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("write", path, () -> {
            byte[] bytes = borrow((int) size);
            try {
                buf.get(0, bytes, 0, (int) size);
                vfs.write(fi.fh.get(), offset, ByteBuffer.wrap(bytes, 0, (int) size));
                return (int) size;
            } finally {
                giveBack(bytes);
            }
        });
    }

    /**
     * A buffer for one read or write, from a shared pool: jnr attaches libfuse's worker thread to the JVM
     * anew for every callback (a new java.lang.Thread each time), so thread-local buffers would be
     * allocated per request. The vfs copies what it keeps.
     */
    private byte[] borrow(int size) {
        byte[] b = size <= IO_BUFFER ? ioBuffers.poll() : null;
        return b != null ? b : new byte[Math.max(size, IO_BUFFER)];
    }

    private void giveBack(byte[] b) {
        if (b.length == IO_BUFFER && ioBuffers.size() < MAX_POOLED_BUFFERS) {
            ioBuffers.offer(b);
        }
    }

    @Override
    public int fallocate(String path, int mode, @off_t long offset, @off_t long length, FuseFileInfo fi) {
        return call("fallocate", path, () -> {
            vfs.fallocate(fi.fh.get(), mode, offset, length);
            return 0;
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return call("flush", path, () -> {
            vfs.flush(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call("fsync", path, () -> {
            vfs.fsync(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call("release", path, () -> {
            vfs.release(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return call("opendir", path, () -> {
            Inode dir = vfs.getattr(paths.resolve(path));
            return Modes.isDir(dir.getMode()) ? 0 : -Errno.ENOTDIR;
        });
    }

    /** The whole listing in one pass (offset 0 to the filler): libfuse2 pages it for the kernel. */
    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return call("readdir", path, () -> {
            long dir = paths.resolve(path);
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            for (Dentry d : vfs.readdir(dir)) {
                FileStat st = new FileStat(Runtime.getSystemRuntime());
                st.st_ino.set(d.getInodeId());
                if (filler.apply(buf, d.getName(), st, 0) != 0) {
                    return -Errno.ENOMEM;
                }
            }
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return call("statfs", path, () -> {
            FsUsage usage = vfs.usage();
            long used = usage.usedBytes();
            // an fs without a capacity limit reports 1 PiB free beyond what it uses, as "unlimited"
            long total = usage.capacityBytes() > 0 ? Math.max(usage.capacityBytes(), used) : used + (1L << 50);
            long block = Attrs.BLOCK_SIZE;
            st.f_bsize.set(block);
            st.f_frsize.set(block);
            st.f_blocks.set(total / block);
            st.f_bfree.set((total - used) / block);
            st.f_bavail.set((total - used) / block);
            // ids are plentiful (the MDS adds partitions on demand): report a large pool beyond those in use
            st.f_files.set(usage.inodeCount() + FREE_INODES);
            st.f_ffree.set(FREE_INODES);
            st.f_favail.set(FREE_INODES);
            st.f_namemax.set(NAME_MAX);
            return 0;
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return call("setxattr", path, () -> {
            byte[] bytes = new byte[(int) size];
            value.get(0, bytes, 0, bytes.length);
            vfs.setxattr(paths.resolve(path), name, bytes, flags);
            return 0;
        });
    }

    /** size 0 asks for the size needed; a buffer too small is ERANGE. */
    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return call("getxattr", path, () -> copyOut(vfs.getxattr(paths.resolve(path), name), value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return call("listxattr", path, () -> {
            StringBuilder names = new StringBuilder();
            for (String n : vfs.listxattr(paths.resolve(path))) {
                names.append(n).append('\0');
            }
            return copyOut(names.toString().getBytes(StandardCharsets.UTF_8), list, size);
        });
    }

    private static int copyOut(byte[] bytes, Pointer dst, long size) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            return -Errno.ERANGE;
        }
        dst.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    @Override
    public int removexattr(String path, String name) {
        return call("removexattr", path, () -> {
            vfs.removexattr(paths.resolve(path), name);
            return 0;
        });
    }

    @Override
    public int access(String path, int mask) {
        return call("access", path, () -> {
            vfs.access(caller(), paths.resolve(path), mask);
            return 0;
        });
    }
}
