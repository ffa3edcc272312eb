package io.curvefs.metaserver;

import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.storage.KvView;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key encoding on a real RocksDB, without raft. */
class MetaStorageTest {
    private static Dentry dentry(long parent, String name) {
        return Dentry.newBuilder().setParentInodeId(parent).setName(name).setInodeId(100).build();
    }

    @Test
    void directoriesListInNameOrderAndPartitionsDropAlone(@TempDir Path dir) {
        try (RocksStore store = new RocksStore(dir.resolve("db"))) {
            Batch batch = store.newBatch();
            MetaWriter w = new MetaWriter(batch);
            for (int pid : new int[] {1, 2}) {
                w.putPartition(PartitionInfo.newBuilder().setPartitionId(pid).build());
                w.putInode(pid, Inode.newBuilder().setInodeId(5).setType(FsFileType.TYPE_S3)
                        .putS3ChunkInfoMap(0, S3ChunkInfoList.getDefaultInstance()).build());
                // "b" and "b\u00e9" share a prefix; a neighbouring directory (6) must not leak in
                for (String name : List.of("c", "b", "b\u00e9", "a")) {
                    w.putDentry(pid, dentry(5, name));
                }
                w.putDentry(pid, dentry(6, "a"));
                w.putDentry(pid, dentry(4, "z"));
                w.appendChunk(pid, 5, 0, 20, list(2));
                w.appendChunk(pid, 5, 0, 10, list(1));
                w.appendChunk(pid, 5, 1, 15, list(3));
            }
            store.commit(batch, 1);

            MetaReader r = new MetaReader(KvView.of(store));
            assertEquals(List.of("a", "b", "b\u00e9", "c"), names(r.listDentries(1, 5, "", 10, false)));
            assertEquals(List.of("b\u00e9", "c"), names(r.listDentries(1, 5, "b", 10, false)));
            assertEquals(List.of("a", "b"), names(r.listDentries(1, 5, "", 1, false)), "one more than the page");
            assertEquals(0, r.inode(1, 5).orElseThrow().getS3ChunkInfoMapCount(), "chunks are stored apart");
            assertEquals(List.of(1L, 2L), r.chunks(1, 5, List.of()).get(0L).getInfosList().stream()
                    .map(S3ChunkInfo::getChunkId).toList(), "raft index order, not write order");
            assertEquals(List.of(1L), List.copyOf(r.chunks(1, 5, List.of(1L)).keySet()));

            Batch drop = store.newBatch();
            new MetaWriter(drop).dropPartition(1);
            store.commit(drop, 2);
            assertTrue(r.partition(1).isEmpty());
            assertTrue(r.inode(1, 5).isEmpty());
            assertFalse(r.hasDentries(1, 5));
            assertTrue(r.chunks(1, 5, List.of()).isEmpty());
            assertEquals(4, r.listDentries(2, 5, "", 10, false).size(), "the other partition is untouched");
            assertEquals(2, r.chunks(2, 5, List.of()).size());
        }
    }

    private static S3ChunkInfoList list(long chunkId) {
        return S3ChunkInfoList.newBuilder().addInfos(S3ChunkInfo.newBuilder().setChunkId(chunkId)).build();
    }

    private static List<String> names(List<Dentry> dentries) {
        return dentries.stream().map(Dentry::getName).toList();
    }
}
