/**
 * Compaction of fragmented chunks (DESIGN §3.7 of the original), run by each copyset's leader in the
 * background and invisible to readers.
 *
 * <h2>Why</h2>
 * Every flush of a client appends chunk infos (newest shadows older, see the client's
 * io.curvefs.client.data package-info.java), so many small overwrites leave a chunk with many infos and
 * objects: reads resolve long lists and fetch many small objects, and shadowed bytes stay in the bucket.
 *
 * <h2>One round ({@link io.curvefs.metaserver.compaction.Compactor}, every
 * {@code metaserver.compaction.intervalMs}, only on copysets this node leads)</h2>
 * For each partition (not DELETING) of a file system whose S3 settings the MDS gave us:
 * <ol>
 * <li><b>Pending deletions first</b>: records of table 'G' whose grace delay has passed (oldest first, at
 *     most {@code chunksPerRound}): their objects are deleted, then a raft command (PurgePending) removes
 *     the records. A leader that dies in between leaves the records; the next leader deletes the (maybe
 *     already missing) objects again, which is harmless. So no replaced object is lost track of.</li>
 * <li><b>Candidates</b> ({@link io.curvefs.metaserver.compaction.Candidates}): up to
 *     {@code chunksPerRound} chunks with more than {@code fragmentThreshold} infos or with data past EOF
 *     (after a truncate), of files not in the trash: once per leadership from a pass over the partition's
 *     chunk-info table (a per-partition cursor), then from the files whose chunk lists grew since
 *     ({@link io.curvefs.metaserver.compaction.ChangedChunks}, filled by the state machine).</li>
 * <li><b>Plan</b> ({@link io.curvefs.metaserver.compaction.ChunkPlan}): from the chunk's keys read at one
 *     moment, the valid bytes (newest wins, clipped to the file length, zero infos dropped) become ONE
 *     set of objects named with the largest valid chunk id and compaction generation + 1 (never an
 *     existing object name: objects are never overwritten): one info per run of valid bytes that shares no
 *     block with another run (small gaps are written as zeros, whole empty blocks are not), or a single
 *     info when the runs would exceed the threshold.</li>
 * <li><b>Rewrite</b> ({@link io.curvefs.metaserver.compaction.ChunkRewriter}): each new object (a block
 *     at most) is assembled from ranged GETs of the old objects, zeros in between, and PUT.</li>
 * <li><b>Replace</b> ({@link io.curvefs.metaserver.compaction.Compaction}, raft command
 *     CompactionRequest/ReplaceChunks): removes exactly the keys read and stores the new info under the
 *     newest of them, so infos a client appended after the read (higher raft indexes) still shadow it;
 *     and records the replaced infos, with a wall-clock deadline now + {@code deleteGraceSec}, as a
 *     pending deletion 'G' in the same batch. Refused with COMPACTION_STALE, writing nothing, when the
 *     inode is gone, in the trash, shorter than the plan's length, or when the chunk's keys up to the
 *     newest replaced one are not exactly those read with exactly those infos (e.g. another leader's
 *     compaction). On a refusal or a failure before the proposal the new objects are deleted (except any
 *     the current infos name: an identical compaction writes identical names). When the outcome is
 *     unknown (the proposal timed out during a leader change) they stay: the one known leak.</li>
 * </ol>
 *
 * <h2>Invisible to readers</h2>
 * A reader that loaded the infos before a compaction keeps reading the old objects, which are immutable
 * and stay for {@code deleteGraceSec} (default 60 s). A reader that holds them longer finds an object
 * missing (404): the client reloads the inode's infos and reads again once before it reports EIO
 * (FileData.read), so it never returns wrong bytes. Objects are never overwritten, so a cached block
 * is never stale.
 *
 * <h2>Cost</h2>
 * A new leader reads every chunk-info key of its partitions once; after that a round reads the chunk
 * lists of the files written since the last round, nothing when nothing was written; a compaction
 * rewrites every valid byte of the chunk (up to 64 MiB) however few infos it merges, as the original does.
 *
 * <h2>Trash and delete-fs</h2>
 * Compaction skips trashed inodes and refuses once an inode is in the trash; the trash deletes the objects
 * named by the current infos (the compacted ones) and the 'G' records delete the replaced ones, even
 * after the inode is reclaimed. DeletePartition drops the 'G' records with the partition, and delete-fs
 * deletes every object of the file system by prefix.
 */
package io.curvefs.metaserver.compaction;
