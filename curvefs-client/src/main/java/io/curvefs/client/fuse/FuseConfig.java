package io.curvefs.client.fuse;

/**
 * The FUSE adapter's settings from client.conf.
 *
 * @param threads        workers reading requests; each blocks in its request's metadata or data call,
 *                       so this bounds the requests served at once
 * @param writebackCache the kernel's writeback cache: it buffers writes and owns size and mtime while a
 *                       file is open, so another mount sees them only after close or fsync
 */
public record FuseConfig(int threads, boolean writebackCache) {
    public static final FuseConfig DEFAULTS = new FuseConfig(16, false);
}
