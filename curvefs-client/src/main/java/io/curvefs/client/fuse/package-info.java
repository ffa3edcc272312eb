/**
 * The jnr-fuse (libfuse2 high-level, path based) adapter: {@link io.curvefs.client.fuse.CurveFuseFs}
 * resolves paths to inodes and forwards to {@link io.curvefs.client.vfs.Vfs}; it returns negative errnos
 * and never throws into native code. Mount options are chosen by
 * {@link io.curvefs.client.mount.FuseOptions}.
 *
 * <p>Locks: flock and POSIX locks are not implemented here on purpose: when a FUSE file system has no
 * lock operations the kernel keeps the locks itself, which gives correct locking among the processes of
 * one mount (not across mounts).
 */
package io.curvefs.client.fuse;
