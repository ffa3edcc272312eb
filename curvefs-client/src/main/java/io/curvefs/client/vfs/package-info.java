/**
 * POSIX semantics of a mount over inode ids, independent of FUSE.
 *
 * <ul>
 * <li>{@link io.curvefs.client.vfs.Vfs}: the operations; each one is a few metadata calls through
 *     {@link io.curvefs.common.meta.MetaClient} plus cache upkeep, or a call into the data path
 *     ({@link io.curvefs.client.data.DataStore}). Failures are {@link io.curvefs.client.vfs.VfsException}
 *     (a POSIX errno decided here) or {@link io.curvefs.common.rpc.RpcException}.</li>
 * <li>{@link io.curvefs.client.vfs.Errno}: the one mapping from status codes (and any other failure) to errno.</li>
 * <li>{@code MetaCache}: Caffeine caches of attributes and lookups with the kernel's timeouts;
 *     {@code OpenFiles}: fh -> data handle; {@code HiddenNames}: mount-local aliases of unlinked-open files;
 *     {@code Renamer}: rename built from create-then-delete until the metaserver has a rename
 *     transaction (not crash-atomic, see its javadoc).</li>
 * <li>{@code RecycleBin}: with {@code create-fs --recycle-hours N}, unlink and rmdir outside {@code /.recycle}
 *     become renames into {@code /.recycle/<UTC hour>/}, and nothing else is put there.</li>
 * </ul>
 *
 * <p>Lifetimes: an inode whose last name is removed is deleted at once, or at the last release of a
 * handle of this mount. Its S3 objects are not deleted yet, and another mount's open handle does not
 * keep it alive (the metaserver trash of DESIGN.md §4 will).
 */
package io.curvefs.client.vfs;
