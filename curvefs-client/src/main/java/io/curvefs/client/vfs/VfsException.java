package io.curvefs.client.vfs;

/** A POSIX failure with its errno (positive), raised by the vfs for the FUSE layer to return. */
public final class VfsException extends RuntimeException {
    private final int errno;

    public VfsException(int errno, String message) {
        super(message, null, false, false); // expected outcome, not a bug: no stack trace needed
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
