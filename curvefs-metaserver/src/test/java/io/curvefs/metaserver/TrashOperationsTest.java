package io.curvefs.metaserver;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.inode.ChunkOperations;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.partition.PartitionOperations;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.storage.TrashEntry;
import io.curvefs.metaserver.trash.Trash;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.HoldInodeRequest;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.ReclaimInodeRequest;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first and second phase of deleting a file, applied to a real RocksDB batch as the state machine
 * applies them: a file without names waits in the trash with its data, counted out of the partition,
 * until the reclaim entry removes it and its trash key.
 */
class TrashOperationsTest {
    private static final int FS = 3;
    private static final PartitionRef P1 = PartitionRef.newBuilder().setPoolId(1).setCopysetId(1).setPartitionId(1).build();
    private static final Time T1 = Time.newBuilder().setSec(1_700_000_000L).build();
    private static final Time T2 = Time.newBuilder().setSec(1_700_000_500L).build();
    private static final Time T3 = Time.newBuilder().setSec(1_700_000_900L).build();
    private static final long ROOT = 1;

    private RocksStore store;
    private MetaWriter w;

    @BeforeEach
    void partition(@TempDir Path dir) {
        store = new RocksStore(dir.resolve("db"));
        w = new MetaWriter(store.newBatch());
        new PartitionOperations(1, 1).create(w, CreatePartitionRequest.newBuilder().setPartition(PartitionInfo
                .newBuilder().setFsId(FS).setPoolId(1).setCopysetId(1).setPartitionId(1).setStart(0).setEnd(999)
                .setHoldsRoot(true)).build());
        InodeOperations.createRoot(w, CreateRootInodeRequest.newBuilder().setPartition(P1).setTime(T1).build());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aTrashedFileLeavesTheCountersAndItsLaterWritesDoNotCount() {
        Inode f = file("f", 1000);
        PartitionInfo before = partition();
        unlink("f", T2, false);
        assertEquals(before.getInodeCount() - 1, partition().getInodeCount());
        assertEquals(before.getBytes() - 1000, partition().getBytes());

        append(f.getInodeId(), 5000); // a handle still open on another mount writes on
        assertEquals(before.getBytes() - 1000, partition().getBytes(), "a trashed file's bytes do not count");
        assertEquals(5000, w.inode(1, f.getInodeId()).orElseThrow().getLength());
        assertEquals(2, w.chunks(1, f.getInodeId(), List.of()).get(0L).getInfosCount());
    }

    @Test
    void anOpenOrphanIsHeldInTheTrashUntilItsLastHolderReleasesItAndItsRetentionStartsThen() {
        Inode f = file("open", 10);
        PartitionInfo before = partition();
        unlink("open", T2, "mount-a");
        assertEquals(List.of(new TrashEntry(f.getInodeId(), T2.getSec())), w.trashUpTo(1, Long.MAX_VALUE, 10));
        assertTrue(w.isHeld(1, f.getInodeId()), "held by the mount that unlinked it while open");
        assertEquals(before.getInodeCount() - 1, partition().getInodeCount(), "counted out once");

        Trash.hold(w, HoldInodeRequest.newBuilder().setPartition(P1).setInodeId(f.getInodeId()).setHolder("mount-b").build());
        release(f.getInodeId(), T3, "mount-a");
        assertTrue(w.isHeld(1, f.getInodeId()), "still open on mount-b");
        assertEquals(List.of(new TrashEntry(f.getInodeId(), T2.getSec())), w.trashUpTo(1, Long.MAX_VALUE, 10));

        Time t4 = Time.newBuilder().setSec(T3.getSec() + 100).build();
        release(f.getInodeId(), t4, "mount-b");
        release(f.getInodeId(), t4, "mount-b"); // a retry
        assertFalse(w.isHeld(1, f.getInodeId()));
        assertEquals(List.of(new TrashEntry(f.getInodeId(), t4.getSec())), w.trashUpTo(1, Long.MAX_VALUE, 10),
                "the retention starts at the last release");
        assertEquals(before.getInodeCount() - 1, partition().getInodeCount(), "still counted out once");
    }

    @Test
    void onlyATrashedInodeCanBeHeldAndReclaimDropsItsHolds() {
        Inode named = file("named", 10);
        Trash.hold(w, HoldInodeRequest.newBuilder().setPartition(P1).setInodeId(named.getInodeId()).setHolder("m").build());
        assertFalse(w.isHeld(1, named.getInodeId()), "a file with a name needs no hold");

        unlink("named", T2, "m");
        assertTrue(reclaim(named.getInodeId(), T2.getSec(), 10));
        assertFalse(w.isHeld(1, named.getInodeId()));
        assertEquals(List.of(), w.kept(1, 10));
    }

    @Test
    void anInodeThatStillHasNamesIsTrashedWithoutThem() {
        // a create whose dentry failed elsewhere: the client deletes the fresh inode
        Inode f = file("named", 0);
        deleteInode(f.getInodeId(), T2);
        Inode trashed = w.inode(1, f.getInodeId()).orElseThrow();
        assertEquals(0, trashed.getNlink());
        assertTrue(Trash.holds(w, 1, trashed));
    }

    @Test
    void aTrashedInodeCannotGetANameBack() {
        Inode f = file("f", 0);
        unlink("f", T2, false);
        RpcException e = assertThrows(RpcException.class, () -> InodeOperations.update(w, UpdateInodeRequest
                .newBuilder().setPartition(P1).setInodeId(f.getInodeId()).setNlinkDelta(1).build()));
        assertEquals(StatusCode.INODE_NOT_FOUND, e.code());
        InodeOperations.update(w, UpdateInodeRequest.newBuilder().setPartition(P1).setInodeId(f.getInodeId())
                .setMtime(T3).build()); // an open handle still writes its times
        assertEquals(T3.getSec(), w.inode(1, f.getInodeId()).orElseThrow().getMtime());
    }

    @Test
    void theTrashIsListedOldestFirstUpToTheCutOffAndTheLimit() {
        long a = file("a", 0).getInodeId();
        long b = file("b", 0).getInodeId();
        long c = file("c", 0).getInodeId();
        unlink("c", T1, false);
        unlink("a", T3, false);
        unlink("b", T2, false);
        assertEquals(List.of(new TrashEntry(c, T1.getSec()), new TrashEntry(b, T2.getSec())),
                w.trashUpTo(1, T2.getSec(), 10));
        assertEquals(List.of(new TrashEntry(c, T1.getSec())), w.trashUpTo(1, T3.getSec(), 1));
        assertEquals(3, w.trashUpTo(1, T3.getSec(), 10).size());
        assertTrue(w.trashUpTo(1, T1.getSec() - 1, 10).isEmpty());
        assertEquals(a, w.trashUpTo(1, T3.getSec(), 10).get(2).ino());
    }

    @Test
    void reclaimRemovesTheInodeItsChunkInfosAndItsTrashKeyOnce() {
        Inode f = file("f", 1000);
        unlink("f", T2, false);
        PartitionInfo trashed = partition();

        RpcException stale = assertThrows(RpcException.class, () -> reclaim(f.getInodeId(), T2.getSec(), 999));
        assertEquals(StatusCode.TRASH_ENTRY_CHANGED, stale.code(), "chunk infos the reclaimer did not see");
        assertTrue(w.inode(1, f.getInodeId()).isPresent());

        assertTrue(reclaim(f.getInodeId(), T2.getSec(), w.lastChunkAppend(1, f.getInodeId())));
        assertTrue(w.inode(1, f.getInodeId()).isEmpty());
        assertTrue(w.chunks(1, f.getInodeId(), List.of()).isEmpty());
        assertTrue(w.trashUpTo(1, Long.MAX_VALUE, 10).isEmpty());
        assertEquals(trashed, partition(), "the counters left at the first phase");

        assertFalse(reclaim(f.getInodeId(), T2.getSec(), 0), "a second leader's or a retried reclaim changes nothing");
    }

    @Test
    void reclaimLeavesALiveInodeAlone() {
        Inode f = file("live", 10);
        assertFalse(reclaim(f.getInodeId(), T2.getSec(), w.lastChunkAppend(1, f.getInodeId())));
        assertEquals(1, w.inode(1, f.getInodeId()).orElseThrow().getNlink());
    }

    @Test
    void deletingThePartitionDropsItsTrash() {
        file("f", 0);
        unlink("f", T2, false);
        new PartitionOperations(1, 1).delete(w, DeletePartitionRequest.newBuilder().setPoolId(1).setCopysetId(1)
                .setPartitionId(1).build());
        assertTrue(w.trashUpTo(1, Long.MAX_VALUE, 10).isEmpty());
    }

    private Inode file(String name, long length) {
        Inode f = DentryOperations.createNode(w, CreateNodeRequest.newBuilder().setPartition(P1)
                .setParentInodeId(ROOT).setName(name).setType(FsFileType.TYPE_S3).setMode(0100644).setTime(T1)
                .build()).getInode();
        if (length > 0) {
            append(f.getInodeId(), length);
        }
        return w.inode(1, f.getInodeId()).orElseThrow();
    }

    private void append(long ino, long length) {
        ChunkOperations.append(w, length, AppendS3ChunkInfoRequest.newBuilder().setPartition(P1).setInodeId(ino)
                .putAdd(0, S3ChunkInfoList.newBuilder().addInfos(S3ChunkInfo.newBuilder().setChunkId(length)
                        .setLen(length)).build()).setLength(length).build());
    }

    private void unlink(String name, Time time, boolean keep) {
        EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(ROOT).setName(name)
                .setKeepIfOrphaned(keep).setTime(time).build());
    }

    /** An unlink by the mount {@code holder}, which has the file open. */
    private void unlink(String name, Time time, String holder) {
        EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(ROOT).setName(name)
                .setHeader(RequestHeader.newBuilder().setClientId(holder).setSeq(1)).setKeepIfOrphaned(true)
                .setTime(time).build());
    }

    private void release(long ino, Time time, String holder) {
        InodeOperations.delete(w, DeleteInodeRequest.newBuilder().setPartition(P1).setInodeId(ino).setTime(time)
                .setHolder(holder).build());
    }

    private void deleteInode(long ino, Time time) {
        InodeOperations.delete(w, DeleteInodeRequest.newBuilder().setPartition(P1).setInodeId(ino).setTime(time).build());
    }

    private boolean reclaim(long ino, long dtime, long lastChunkAppend) {
        return Trash.reclaim(w, ReclaimInodeRequest.newBuilder().setPartition(P1).setInodeId(ino).setDtime(dtime)
                .setLastChunkAppend(lastChunkAppend).build()).getReclaimed();
    }

    private PartitionInfo partition() {
        return w.partition(1).orElseThrow();
    }
}
