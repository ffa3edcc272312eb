package io.curvefs.metaserver.storage;

/** One key of a partition's trash table: inode {@code ino} was deleted at {@code dtime} (seconds). */
public record TrashEntry(long ino, long dtime) {
}
