package io.curvefs.client.fuse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The INIT handshake: what this adapter asks of the kernel, of what the kernel offers. 1 MiB reads and
 * writes (max_pages), reads in parallel (async read, parallel dirops), readdirplus, O_TRUNC handled at
 * open, set-ID bits cleared by us on write and truncate (killpriv v2: no extra getattr and setattr per
 * write), data cache dropped when another mount's change shows in the attributes (auto inval data),
 * symlinks cached. Record locks and flocks are ours ({@link LockOps}): shared by every mount.
 */
final class Init {
    private static final Logger LOG = LoggerFactory.getLogger(Init.class);
    private static final long WANTED = Protocol.ASYNC_READ | Protocol.POSIX_LOCKS | Protocol.FLOCK_LOCKS | Protocol.ATOMIC_O_TRUNC | Protocol.BIG_WRITES
            | Protocol.AUTO_INVAL_DATA | Protocol.DO_READDIRPLUS | Protocol.READDIRPLUS_AUTO | Protocol.ASYNC_DIO
            | Protocol.PARALLEL_DIROPS | Protocol.MAX_PAGES | Protocol.CACHE_SYMLINKS | Protocol.HANDLE_KILLPRIV_V2
            | Protocol.INIT_EXT;
    private static final int MAX_PAGES = Protocol.MAX_IO / 4096;
    /** Background requests (async reads, readahead) in flight at once, and where the kernel throttles. */
    private static final int MAX_BACKGROUND = 64;
    private static final int CONGESTION_THRESHOLD = 48;
    private static final int INIT_OUT = 64;

    private Init() {
    }

    /** struct fuse_init_in {major, minor, max_readahead, flags, flags2, unused[11]} -> struct fuse_init_out. */
    static void answer(Request q, Reply r, FuseConfig config) throws IOException {
        int major = q.u32(0);
        int minor = q.u32(4);
        int maxReadahead = q.u32(8);
        long offered = Integer.toUnsignedLong(q.u32(12));
        if ((offered & Protocol.INIT_EXT) != 0) {
            offered |= Integer.toUnsignedLong(q.u32(16)) << 32;
        }
        if (major != Protocol.MAJOR || minor < Protocol.MIN_MINOR) {
            r.error(q.unique, LibC.EINVAL);
            throw new IOException("kernel FUSE protocol " + major + "." + minor + " is not supported (need "
                    + Protocol.MAJOR + "." + Protocol.MIN_MINOR + " or newer)");
        }
        long wanted = WANTED | (config.writebackCache() ? Protocol.WRITEBACK_CACHE : 0);
        long flags = offered & wanted;
        r.start(q.unique)
                .u32(Protocol.MAJOR).u32(Math.min(minor, Protocol.MINOR)).u32(Math.max(maxReadahead, Protocol.MAX_IO)).u32((int) flags)
                .u16(MAX_BACKGROUND).u16(CONGESTION_THRESHOLD).u32(Protocol.MAX_IO)
                .u32(1)                                   // time granularity: nanoseconds
                .u16(MAX_PAGES).u16(0).u32((int) (flags >>> 32))
                .zeros(INIT_OUT - 36);
        int errno = r.send();
        if (errno != 0) {
            throw new IOException("the kernel refused the INIT reply: " + LibC.INSTANCE.strerror(errno));
        }
        LOG.info("FUSE {}.{}: flags {} of offered {}, max_write {}", major, minor,
                Long.toHexString(flags), Long.toHexString(offered), Protocol.MAX_IO);
    }
}
