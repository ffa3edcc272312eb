package io.curvefs.client.vfs;

/** Capacity and usage of the file system as the MDS last reported them (for statfs). */
public interface FsUsage {
    /** Bytes, 0 = unlimited. */
    long capacityBytes();

    long usedBytes();

    long inodeCount();
}
