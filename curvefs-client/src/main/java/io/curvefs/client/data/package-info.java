/**
 * The S3 data path of the client: file bytes in the object store, a write-back buffer, read caches.
 *
 * <h2>API (what the FUSE layer calls)</h2>
 * <pre>{@code
 * DataStore data = new DataStore(fsInfo.getS3Info(), fsId, chunkInfoStore, chunkIdSource, DataConfig.defaults());
 * // open / create:   (close-to-open: the metadata layer revalidated the inode; drop stale chunk infos)
 * data.invalidate(ino);
 * FileHandle fh = data.open(ino, inode.getLength());
 * // read:            fh.read(offset, byteBuffer)      -> bytes read (0 at EOF), fills from position
 * // write:           fh.write(offset, byteBuffer)     buffered (returns when copied into the write buffer)
 * // O_APPEND write:  fh.append(byteBuffer)           -> offset used, atomic with other appenders
 * // flush / fsync:   fh.flush()                       durable: uploaded + chunk infos + length committed
 * // ftruncate/setattr(size), O_TRUNC: fh.truncate(newLength)   committed before it returns
 * // getattr of an open file: fh.length()              includes unflushed writes of this mount
 * // release:         fh.release()                     flushes (close-to-open) and drops the handle
 * // O_SYNC/O_DSYNC:  write then flush;   sync/umount: data.flushAll(); data.close()
 * }</pre>
 * Every IOException means EIO to the caller (its message says which S3 key or inode). Nothing waits
 * forever: each S3 operation and each flush is bounded by {@link io.curvefs.client.data.DataConfig#s3Deadline()},
 * a writer waiting for buffer space by {@code writeWait}. Handles are thread-safe. All handles of one
 * inode in one mount share one buffer, so they see each other's writes at once (strong consistency
 * within a mount); other mounts see them after a flush and their own open (close-to-open). The
 * {@code length} given to {@code open} is used only if the inode is not already open (or holding
 * unflushed data) in this mount. Every change of a file's data or length must go through a
 * {@code FileHandle} (truncating a file that is not open: open, truncate, release), because a shrink
 * must record the zero info described below.
 *
 * <h2>Layout in the object store (same as the original CurveFS)</h2>
 * A file is cut into chunks of {@code chunkSize} bytes (S3Info.chunk_size, default 64 MiB); chunk
 * {@code c} covers file bytes {@code [c * chunkSize, (c + 1) * chunkSize)}. The metaserver keeps, per
 * inode, a map chunk index -> list of {@code S3ChunkInfo} in append order. An info never crosses a
 * chunk boundary. A non-zero info {@code (chunkId, compaction, offset, len)} says: file bytes
 * {@code [offset, offset + len)} are stored in the objects named
 * <pre>  {object_prefix}{fsId}_{ino}_{chunkId}_{blockIndex}_{compaction}</pre>
 * where, with {@code chunkStart = (offset / chunkSize) * chunkSize}, file byte {@code f} of the info is in
 * <pre>
 *   blockIndex     = (f - chunkStart) / blockSize                      (S3Info.block_size, default 4 MiB)
 *   objectStart    = max(offset, chunkStart + blockIndex * blockSize)   (file offset of the object's byte 0)
 *   objectEnd      = min(offset + len, chunkStart + (blockIndex + 1) * blockSize)
 *   offsetInObject = f - objectStart
 * </pre>
 * so the first object of an info starts at the info's offset and objects can be shorter than a block.
 * {@code size} = {@code len} (no compression). Objects are never overwritten: every flush takes new
 * chunk ids from {@link io.curvefs.client.data.ChunkIdSource} (one per run of adjacent dirty bytes per
 * chunk), PUTs the objects, then appends the infos. Reading resolves each chunk's list oldest to newest,
 * later infos shadowing earlier ones where they overlap; bytes without any info, and bytes under a
 * {@code zero} info (which has no objects), read as zeros. Truncating from length {@code old} down to
 * {@code L} appends zero infos over {@code [L, old)} (one per chunk touched) together with the new length,
 * so that growing the file again later reads zeros instead of resurrecting old bytes; growing only sets
 * the length. {@link io.curvefs.common.s3.ObjectLayout} (in curvefs-common) implements this mapping for writer, reader and
 * the metaserver's trash.
 *
 * <h2>Write path</h2>
 * Writes go into the file's open dirty layer (pages from the mount's {@link
 * io.curvefs.client.data.WriteBufferPool}): overwrites of dirty bytes change them in place, sequential
 * writes extend the extent before them, so a 4 KiB random write costs a 4 KiB upload, not a block. A flush
 * seals the open layer (new writes go to a fresh one and shadow it), builds the plan, PUTs all objects in
 * parallel on the mount's upload pool, and only when all succeeded appends the infos and length in one
 * {@code ChunkInfoStore.append}; then the sealed pages are recycled. A failed flush keeps the sealed data
 * (still readable) for the next attempt and throws. Flushes run when a block's worth is dirty (in the
 * background; one queued flush per file, so a fast writer's blocks are batched into parallel uploads),
 * on flush/fsync/release/truncate, by the background flusher for data older than {@code flushInterval},
 * and for every dirty file when the pool is exhausted (writers then wait outside any lock).
 *
 * <h2>Read path</h2>
 * Dirty bytes (and pending truncation zeros) are copied from memory; the rest is planned from the
 * cached, resolved chunk infos into object pieces, served by {@link io.curvefs.client.data.BlockCache}:
 * memory (Caffeine, bounded in bytes), the optional disk cache, then ranged GETs of aligned units
 * ({@code cacheUnitBytes}), contiguous units of one object in one GET of up to 1 MiB, GETs in parallel. A
 * sequential reader (per handle) triggers asynchronous read-ahead of {@code readAheadBytes}; a read of a
 * unit being prefetched waits for that fetch instead of issuing another.
 * The metaserver's compaction (io.curvefs.metaserver.compaction) replaces fragmented infos by new ones
 * and deletes the old objects after a grace delay: a read that finds an object of its cached infos gone
 * reloads the inode's infos and reads again once (FileData.read) before it fails with EIO.
 */
package io.curvefs.client.data;
