/**
 * The FUSE adapter at the inode level: the kernel's nodeid is our inode id (root = 1), so every name of
 * a hard link is one kernel inode, and the daemon can tell the kernel what changed.
 *
 * <p><b>Binding: the kernel protocol on /dev/fuse, spoken from Java.</b> {@link
 * io.curvefs.client.fuse.FuseSession} opens /dev/fuse and mounts it with mount(2) (jnr-ffi calls into
 * libc: open, read, write, mount, umount2); long-lived worker threads read requests into direct
 * buffers, {@code Dispatcher} hands them to {@code NodeOps} / {@code FileOps} / {@code DirOps}, which call
 * {@link io.curvefs.client.vfs.Vfs} and write the reply from the same thread. libfuse3's low-level API
 * through jnr-ffi was the first choice (DESIGN.md §6) and was set aside for measured and structural
 * reasons: every request would cross native-to-Java twice (libfuse's callback into a jnr closure, then
 * a jnr call for the reply), a write's data would be copied out of libfuse's buffer into the Java heap
 * (here it is read in place from the request buffer), and libfuse 3's structs (fuse_conn_info,
 * fuse_file_info bit fields) change layout between 3.x releases (3.17 versioned fuse_session_new),
 * while the kernel protocol is stable and negotiated. The jnr-fuse path adapter it replaces cost
 * ~0.4–0.65 ms of client CPU per file create on this machine; see docs/performance.md for this one.
 *
 * <p><b>Lookup counts.</b> Every reply that names an inode (lookup, create, mknod, mkdir, symlink, link,
 * readdirplus entries) is counted in {@code Nodes}; FORGET and BATCH_FORGET pay the counts back, and an
 * inode the kernel no longer holds is dropped from the vfs's caches.
 *
 * <p><b>Telling the kernel.</b> Close-to-open: an open that finds the size or times changed from what the
 * kernel was told invalidates the kernel's attributes at once (attributes only: no lock involved) and
 * drops its pages (no KEEP_CACHE). A listing in which a name vanished or names another inode makes
 * {@code Notifier} invalidate that name, from its own thread (the kernel takes the directory's lock for
 * it, which the request that taught us may hold). A directory another mount moved is the kernel's
 * hardest case: it moves the old dentry to the new name only when this mount runs no rename across
 * directories, the old parent is not locked and nobody holds the old dentry, and fails the lookup with
 * ESTALE otherwise. A lookup that names a directory the kernel holds elsewhere therefore checks the name
 * at the metaserver (one of the two is stale), invalidates the old dentry and waits, at most 1 s, until
 * the requests and open handles of this mount leave the old place ({@code DirectoryUse}); a listing
 * names such a directory without an entry, leaving the move to that lookup. An inode that is gone for
 * good is ESTALE, which makes the kernel look the name up again. Replies carry the rest of the timeouts,
 * counted from when the value was fetched, so nothing is served later than one attribute timeout after
 * it was read.
 *
 * <p><b>Locks.</b> POSIX record locks and flock are negotiated (POSIX_LOCKS, FLOCK_LOCKS) and live at
 * the inode's metaserver, so every process of every mount sees the same locks ({@code LockOps}; the
 * kernel's own lock table would only order the processes of one host). A blocking lock waits on a
 * thread of its own, not a worker, and ends with EINTR when the kernel interrupts it; INTERRUPT of any
 * other request is ignored, since every other request ends by itself within its RPC deadline.
 */
package io.curvefs.client.fuse;
