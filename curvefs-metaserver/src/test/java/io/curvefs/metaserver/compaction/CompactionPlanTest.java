package io.curvefs.metaserver.compaction;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.s3.ChunkSegments.Segment;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.TwoPartitions;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.inode.ChunkOperations;
import io.curvefs.metaserver.storage.ChunkAppend;
import io.curvefs.metaserver.storage.KvView;
import io.curvefs.metaserver.storage.MetaKeys;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.storage.PendingDelete;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.CompactionRequest;
import io.curvefs.proto.metaserver.CompactionResponse;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.PendingKey;
import io.curvefs.proto.metaserver.PurgePending;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.ReplaceChunks;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.BiPredicate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planning a chunk's compaction (valid ranges, naming) and applying it to a real RocksDB batch as the
 * state machine does: the replaced keys go, the new info keeps its place before later appends, the
 * replaced objects are recorded for deletion, and a plan whose inode or infos changed is refused.
 */
class CompactionPlanTest {
    private static final long MIB = 1 << 20;
    private static final PartitionRef P1 = TwoPartitions.P1;
    private static final Time T1 = TwoPartitions.T1;
    private static final ObjectLayout LAYOUT = new ObjectLayout(S3Info.getDefaultInstance(), TwoPartitions.FS);

    private RocksStore store;
    private Batch batch;
    private MetaWriter w;

    @BeforeEach
    void partition(@TempDir Path dir) {
        store = new RocksStore(dir.resolve("db"));
        batch = store.newBatch();
        w = new MetaWriter(batch);
        TwoPartitions.create(w, 040755);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theNewestInfoWinsHolesAndZerosAreDroppedAndTheNameIsNew() {
        List<ChunkAppend> appends = List.of(
                new ChunkAppend(10, list(info(5, 0, 0, 8 * MIB))),
                new ChunkAppend(11, list(info(7, 0, MIB, MIB), info(8, 2, 3 * MIB, MIB))),
                new ChunkAppend(12, list(zero(2 * MIB, MIB))),
                new ChunkAppend(13, list(info(8, 0, 20 * MIB, 4096))));
        assertEquals(Optional.empty(), ChunkPlan.of(LAYOUT, 0, appends, 64 * MIB, 5), "5 infos, threshold 5");

        ChunkPlan plan = ChunkPlan.of(LAYOUT, 0, appends, 64 * MIB, 4).orElseThrow();
        assertEquals(List.of(10L, 11L, 12L, 13L), plan.replacedKeys());
        assertEquals("[0-1048576@5, 1048576-2097152@7, 3145728-4194304@8, 4194304-8388608@5, "
                + "20971520-20975616@8]", sources(plan), "the zero info hides [2, 3) MiB; nothing valid is left there");
        // the largest valid chunk id, one generation above every info of that id in the chunk; the gap of
        // [2, 3) MiB lies inside block 0 and is written as zeros, the one of [8, 20) MiB spans whole blocks
        assertEquals(List.of(info(8, 3, 0, 8 * MIB), info(8, 3, 20 * MIB, 4096)), plan.compacted());
        assertEquals(List.of(info(8, 3, 0, 20 * MIB + 4096)), ChunkPlan.of(LAYOUT, 0, appends, 64 * MIB, 1)
                .orElseThrow().compacted(), "more runs than the threshold would be compacted forever: one info");
    }

    @Test
    void dataPastTheEndIsDroppedAndAChunkWhollyPastItIsJustRemoved() {
        List<ChunkAppend> appends = List.of(new ChunkAppend(10, list(info(5, 0, 0, 8 * MIB))),
                new ChunkAppend(11, list(zero(3 * MIB, 5 * MIB))));
        ChunkPlan cut = ChunkPlan.of(LAYOUT, 0, appends, 3 * MIB, 20).orElseThrow();
        assertEquals("[0-3145728@5]", sources(cut), "two infos, but some reach past EOF");
        assertEquals(List.of(info(5, 1, 0, 3 * MIB)), cut.compacted());

        List<ChunkAppend> beyond = List.of(new ChunkAppend(30, list(info(6, 0, 64 * MIB, MIB))));
        ChunkPlan gone = ChunkPlan.of(LAYOUT, 1, beyond, 10 * MIB, 20).orElseThrow();
        assertTrue(gone.sources().isEmpty());
        assertTrue(gone.compacted().isEmpty());
        assertEquals(Optional.empty(), ChunkPlan.of(LAYOUT, 0, List.of(new ChunkAppend(10,
                list(info(5, 0, 0, 8 * MIB)))), 8 * MIB, 20), "one info within the file");
    }

    @Test
    void theReplacementKeepsAppendOrderRecordsOldObjectsAndRefusesWhatChanged() {
        long ino = file("f");
        append(ino, 10, info(5, 0, 0, 8 * MIB), 8 * MIB);
        append(ino, 11, info(6, 0, MIB, MIB), 8 * MIB);
        append(ino, 12, info(7, 0, 2 * MIB, 4096), 8 * MIB);
        ChunkPlan plan = ChunkPlan.of(LAYOUT, 0, w.chunkAppends(1, ino, 0), 8 * MIB, 2).orElseThrow();
        append(ino, 13, info(9, 0, MIB, 4096), 8 * MIB);     // a client writes after the compactor read

        assertEquals(StatusCode.OK, replace(ino, 8 * MIB, plan, 40).getStatus().getCode());
        List<ChunkAppend> after = w.chunkAppends(1, ino, 0);
        assertEquals(List.of(12L, 13L), after.stream().map(ChunkAppend::raftIndex).toList(),
                "the compacted info under the newest replaced key, the later append after it");
        assertEquals(S3ChunkInfoList.newBuilder().addAllInfos(plan.compacted()).build(), after.get(0).infos());
        List<PendingDelete> pending = w.pendingDeletesUpTo(1, 5_000, 10);
        assertEquals(1, pending.size());
        assertEquals(new PendingDelete(5_000, 40, pending.get(0).objects()), pending.get(0));
        assertEquals(ino, pending.get(0).objects().getInodeId());
        assertEquals(plan.replaced(), pending.get(0).objects().getInfos());
        assertTrue(w.pendingDeletesUpTo(1, 4_999, 10).isEmpty(), "not before its grace delay");

        assertEquals(StatusCode.COMPACTION_STALE, replace(ino, 8 * MIB, plan, 41).getStatus().getCode(),
                "the same plan again: its keys are gone");
        ChunkPlan second = ChunkPlan.of(LAYOUT, 0, w.chunkAppends(1, ino, 0), 8 * MIB, 1).orElseThrow();
        assertEquals(StatusCode.COMPACTION_STALE, replace(ino, 16 * MIB, second, 42).getStatus().getCode(),
                "the file is shorter than the plan assumed");
        EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(1).setName("f")
                .setTime(T1).build());
        assertEquals(StatusCode.COMPACTION_STALE, replace(ino, 8 * MIB, second, 43).getStatus().getCode(),
                "the file is in the trash");
        assertEquals(List.of(12L, 13L), w.chunkAppends(1, ino, 0).stream().map(ChunkAppend::raftIndex).toList());

        Compaction.apply(w, 44, CompactionRequest.newBuilder().setPartition(P1).setPurge(PurgePending.newBuilder()
                .addKeys(PendingKey.newBuilder().setDeleteAfterMs(5_000).setRaftIndex(40))).build());
        assertTrue(w.pendingDeletesUpTo(1, Long.MAX_VALUE, 10).isEmpty());
    }

    private CompactionResponse replace(long ino, long length, ChunkPlan plan, long raftIndex) {
        try {
            return Compaction.apply(w, raftIndex, CompactionRequest.newBuilder().setPartition(P1)
                    .setReplace(ReplaceChunks.newBuilder().setInodeId(ino).setLength(length).setDeleteAfterMs(5_000)
                            .addChunks(plan.toReplacement())).build());
        } catch (RpcException e) {
            return CompactionResponse.newBuilder().setStatus(e.toStatus()).build();
        }
    }

    @Test
    void aPartitionIsScannedWholeOncePerEpochThenOnlyTheFilesWhoseChunksChanged() {
        long ino = file("fragmented");
        int pid = P1.getPartitionId();
        byte[] table = MetaKeys.tablePrefix(MetaKeys.CHUNK, pid);
        int[] tableScans = {0};
        MetaReader counting = new MetaReader(new KvView() {
            @Override
            public byte[] get(byte[] key) {
                return batch.get(key);
            }

            @Override
            public void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
                if (Arrays.equals(prefix, table)) {
                    tableScans[0]++;
                }
                batch.scan(prefix, startAt, visitor);
            }
        });
        Candidates candidates = new Candidates();
        ChangedChunks changes = new ChangedChunks();
        Candidates.Epoch first = new Candidates.Epoch(1, 0);
        assertEquals(Map.of(), candidates.find(counting, pid, changes, first, 3, 10), "nothing fragmented yet");
        assertEquals(1, tableScans[0]);
        assertEquals(Map.of(), candidates.find(counting, pid, changes, first, 3, 10));
        assertEquals(1, tableScans[0], "nothing changed since the whole pass: no scan");

        for (int i = 0; i < 4; i++) {
            append(ino, 20 + i, info(30 + i, 0, i * MIB, MIB), (i + 1) * MIB);
            changes.add(pid, ino);
        }
        assertEquals(Map.of(ino, List.of(0L)), candidates.find(counting, pid, changes, first, 3, 10),
                "the changed file is read");
        assertEquals(Map.of(ino, List.of(0L)), candidates.find(counting, pid, changes, first, 3, 10),
                "a file found is looked at again until its compaction is done");
        assertEquals(1, tableScans[0], "never the whole table");

        long unseen = file("unseen");
        for (int i = 0; i < 4; i++) {
            append(unseen, 40 + i, info(50 + i, 0, i * MIB, MIB), (i + 1) * MIB);
        }
        assertEquals(Map.of(ino, List.of(0L)), candidates.find(counting, pid, changes, first, 3, 10),
                "a change nobody recorded waits for the next epoch");
        assertEquals(Map.of(ino, List.of(0L), unseen, List.of(0L)),
                candidates.find(counting, pid, changes, new Candidates.Epoch(2, 0), 3, 10), "a new leader scans whole");
        assertEquals(2, tableScans[0]);
        assertEquals(Map.of(ino, List.of(0L), unseen, List.of(0L)),
                candidates.find(counting, pid, changes, new Candidates.Epoch(2, 60), 3, 10), "so does an installed snapshot");
        assertEquals(3, tableScans[0]);

        for (long i = 0; i <= ChangedChunks.LIMIT; i++) {
            changes.add(pid, 1_000_000 + i);
        }
        candidates.find(counting, pid, changes, new Candidates.Epoch(2, 60), 3, 10);
        assertEquals(4, tableScans[0], "too many changes waiting: they were dropped for a whole pass");
    }

    private static String sources(ChunkPlan plan) {
        return plan.sources().stream().map((Segment s) -> s.start() + "-" + s.end() + "@" + s.info().getChunkId())
                .toList().toString();
    }

    private long file(String name) {
        return DentryOperations.createNode(w, CreateNodeRequest.newBuilder().setPartition(P1).setParentInodeId(1)
                .setName(name).setType(FsFileType.TYPE_S3).setMode(0100644).setTime(T1).build()).getInode().getInodeId();
    }

    private void append(long ino, long raftIndex, S3ChunkInfo info, long length) {
        ChunkOperations.append(w, raftIndex, AppendS3ChunkInfoRequest.newBuilder().setPartition(P1).setInodeId(ino)
                .putAdd(0, list(info)).setLength(length).build());
    }

    private static S3ChunkInfoList list(S3ChunkInfo... infos) {
        return S3ChunkInfoList.newBuilder().addAllInfos(List.of(infos)).build();
    }

    private static S3ChunkInfo info(long chunkId, long compaction, long offset, long len) {
        return S3ChunkInfo.newBuilder().setChunkId(chunkId).setCompaction(compaction).setOffset(offset).setLen(len)
                .setSize(len).build();
    }

    private static S3ChunkInfo zero(long offset, long len) {
        return S3ChunkInfo.newBuilder().setOffset(offset).setLen(len).setZero(true).build();
    }
}
