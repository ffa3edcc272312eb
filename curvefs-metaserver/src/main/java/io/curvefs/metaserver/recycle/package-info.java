/**
 * The recycle bin of a file system created with {@code create-fs --recycle-hours N} (N > 0): directory
 * {@code /.recycle} (inode 2, root-owned, 0755, made with the root by the MDS's CreateRootInode), into
 * which mounts move what unlink and rmdir remove, one directory per UTC hour {@code YYYY-mm-dd-HH} holding
 * {@code <parentIno>_<ino>_<name>} entries (names and layout: {@link io.curvefs.common.meta.RecycleNames}).
 *
 * <p>{@link io.curvefs.metaserver.recycle.RecycleDir}: what every replica refuses whichever client asks
 * (removing, moving or replacing {@code .recycle}; entries in it other than hour directories); the
 * mounts also refuse anything put below an hour directory.
 *
 * <p>{@link io.curvefs.metaserver.recycle.RecycleCleaner}: the leader of the copyset holding inode 2
 * deletes hour directories whose hour ended more than N hours ago, every
 * {@code metaserver.recycle.scanIntervalMs}, like rm -rf on a mount (files go to the trash).
 */
package io.curvefs.metaserver.recycle;
