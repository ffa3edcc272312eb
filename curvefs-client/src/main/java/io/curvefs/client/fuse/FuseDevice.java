package io.curvefs.client.fuse;

import jnr.ffi.Pointer;

import java.io.IOException;

/**
 * An open /dev/fuse: the kernel hands out one request per read(2) and takes one reply or notification
 * per write(2). Any number of threads may read and write it at once (the kernel gives each request to
 * one reader). Not a FileChannel: its reads and writes share one lock, so a reader blocked in the
 * kernel would stop every reply.
 */
final class FuseDevice implements AutoCloseable {
    private final int fd;

    private FuseDevice(int fd) {
        this.fd = fd;
    }

    static FuseDevice open() throws IOException {
        int fd = LibC.INSTANCE.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            throw new IOException("cannot open /dev/fuse: " + LibC.INSTANCE.strerror(errno)
                    + (errno == LibC.ENOENT ? " (is the fuse kernel module loaded?)" : ""));
        }
        return new FuseDevice(fd);
    }

    int fd() {
        return fd;
    }

    /**
     * Reads the next request into {@code buf} (of {@code size} bytes): its length, or -1 once the file
     * system is unmounted (the kernel ended the connection).
     */
    int receive(Pointer buf, int size) throws IOException {
        while (true) {
            long n = LibC.INSTANCE.read(fd, buf, size);
            if (n >= 0) {
                return (int) n;
            }
            int errno = LibC.errno();
            switch (errno) {
                case LibC.EINTR, LibC.EAGAIN, LibC.ENOENT -> {
                    // a signal, or a request the caller interrupted before we took it: take the next
                }
                case LibC.ENODEV -> {
                    return -1;
                }
                default -> throw new IOException("read from /dev/fuse: " + LibC.INSTANCE.strerror(errno));
            }
        }
    }

    /**
     * Writes one reply or notification of {@code len} bytes: 0, or the errno the kernel refused it with.
     * ENOENT means the request is gone (interrupted, or a notification about something the kernel no
     * longer caches): nothing to do.
     */
    int send(Pointer buf, int len) {
        while (true) {
            long n = LibC.INSTANCE.write(fd, buf, len);
            if (n >= 0) {
                return 0;
            }
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                return errno;
            }
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
