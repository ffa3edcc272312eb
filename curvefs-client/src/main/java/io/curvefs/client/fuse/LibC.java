package io.curvefs.client.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/** The few libc calls the adapter needs: the FUSE device's file descriptor and mount(2). */
public interface LibC {
    int O_RDWR = 02;
    int O_CLOEXEC = 02000000;
    int EINTR = 4;
    int ENOENT = 2;
    int EAGAIN = 11;
    int ENODEV = 19;
    int EPERM = 1;
    int EINVAL = 22;
    long MS_RDONLY = 1;
    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    long MS_NOEXEC = 8;
    long MS_SYNCHRONOUS = 16;
    long MS_DIRSYNC = 128;
    long MS_NOATIME = 1024;
    long MS_NODIRATIME = 2048;
    long MS_RELATIME = 1 << 21;
    long MS_STRICTATIME = 1 << 24;
    int MNT_DETACH = 2;

    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    @ssize_t
    long read(int fd, Pointer buf, @size_t long count);

    @SaveError
    @ssize_t
    long write(int fd, Pointer buf, @size_t long count);

    @SaveError
    int mount(String source, String target, String type, @u_int64_t long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    String strerror(int errnum);

    /** errno of the calling thread's last call above. */
    static int errno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    /** A pointer to the memory of a direct buffer (from its start, whatever its position). */
    static Pointer pointerTo(java.nio.ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.wrap(Runtime.getRuntime(INSTANCE), direct);
    }
}
