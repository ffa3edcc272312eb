package io.curvefs.client.fuse;

/**
 * The kernel's FUSE protocol (linux/fuse.h, version 7.38): opcodes, flags and the sizes of the fixed
 * parts of requests and replies. All fields are little-endian, as on every platform we mount on.
 */
final class Protocol {
    static final int MAJOR = 7;
    static final int MINOR = 38;
    /** The oldest kernel protocol whose request and reply layouts this adapter reads and writes. */
    static final int MIN_MINOR = 31;

    static final int LOOKUP = 1;
    static final int FORGET = 2;
    static final int GETATTR = 3;
    static final int SETATTR = 4;
    static final int READLINK = 5;
    static final int SYMLINK = 6;
    static final int MKNOD = 8;
    static final int MKDIR = 9;
    static final int UNLINK = 10;
    static final int RMDIR = 11;
    static final int RENAME = 12;
    static final int LINK = 13;
    static final int OPEN = 14;
    static final int READ = 15;
    static final int WRITE = 16;
    static final int STATFS = 17;
    static final int RELEASE = 18;
    static final int FSYNC = 20;
    static final int SETXATTR = 21;
    static final int GETXATTR = 22;
    static final int LISTXATTR = 23;
    static final int REMOVEXATTR = 24;
    static final int FLUSH = 25;
    static final int INIT = 26;
    static final int OPENDIR = 27;
    static final int READDIR = 28;
    static final int RELEASEDIR = 29;
    static final int FSYNCDIR = 30;
    static final int GETLK = 31;
    static final int SETLK = 32;
    static final int SETLKW = 33;
    static final int ACCESS = 34;
    static final int CREATE = 35;
    static final int INTERRUPT = 36;
    static final int DESTROY = 38;
    static final int BATCH_FORGET = 42;
    static final int FALLOCATE = 43;
    static final int READDIRPLUS = 44;
    static final int RENAME2 = 45;

    // INIT flags (flags, then flags2 for bits 32..63)
    static final long ASYNC_READ = 1L;
    static final long POSIX_LOCKS = 1L << 1;
    static final long ATOMIC_O_TRUNC = 1L << 3;
    static final long BIG_WRITES = 1L << 5;
    static final long FLOCK_LOCKS = 1L << 10;
    static final long AUTO_INVAL_DATA = 1L << 12;
    static final long DO_READDIRPLUS = 1L << 13;
    static final long READDIRPLUS_AUTO = 1L << 14;
    static final long ASYNC_DIO = 1L << 15;
    static final long WRITEBACK_CACHE = 1L << 16;
    static final long PARALLEL_DIROPS = 1L << 18;
    static final long MAX_PAGES = 1L << 22;
    static final long CACHE_SYMLINKS = 1L << 23;
    static final long HANDLE_KILLPRIV_V2 = 1L << 28;
    static final long INIT_EXT = 1L << 30;

    // SETATTR valid bits
    static final int FATTR_MODE = 1;
    static final int FATTR_UID = 1 << 1;
    static final int FATTR_GID = 1 << 2;
    static final int FATTR_SIZE = 1 << 3;
    static final int FATTR_ATIME = 1 << 4;
    static final int FATTR_MTIME = 1 << 5;
    static final int FATTR_FH = 1 << 6;
    static final int FATTR_ATIME_NOW = 1 << 7;
    static final int FATTR_MTIME_NOW = 1 << 8;
    static final int FATTR_CTIME = 1 << 10;
    static final int FATTR_KILL_SUIDGID = 1 << 11;

    // OPEN reply flags
    static final int FOPEN_KEEP_CACHE = 1 << 1;

    static final int GETATTR_FH = 1;
    static final int WRITE_KILL_SUIDGID = 1 << 2;
    static final int OPEN_KILL_SUIDGID = 1;

    static final int LK_FLOCK = 1;
    static final int RELEASE_FLOCK_UNLOCK = 1 << 1;

    static final int RENAME_NOREPLACE = 1;
    static final int RENAME_EXCHANGE = 2;
    static final int RENAME_WHITEOUT = 4;

    // notification codes (the error field of a message with unique 0)
    static final int NOTIFY_INVAL_INODE = 2;
    static final int NOTIFY_INVAL_ENTRY = 3;
    static final int NOTIFY_DELETE = 6;

    static final int IN_HEADER = 40;
    static final int OUT_HEADER = 16;
    static final int ATTR = 88;
    static final int ENTRY_OUT = 40 + ATTR;
    static final int WRITE_IN = 40;
    static final int DIRENT = 24;

    /** The largest read or write: what max_pages allows (256 pages). */
    static final int MAX_IO = 1 << 20;
    /** A request buffer: the largest write plus its headers, rounded to a page. */
    static final int REQUEST_BUFFER = MAX_IO + 4096;

    private Protocol() {
    }
}
