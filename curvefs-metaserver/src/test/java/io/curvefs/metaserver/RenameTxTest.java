package io.curvefs.metaserver;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.rename.LocalRename;
import io.curvefs.metaserver.rename.TxOutcome;
import io.curvefs.metaserver.rename.TxPrepare;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.storage.TrashEntry;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.AbortTxRequest;
import io.curvefs.proto.metaserver.CommitTxRequest;
import io.curvefs.proto.metaserver.CreateDentryRequest;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FinishTxRequest;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListDentryRequest;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.PrepareTxRequest;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RenameRequest;
import io.curvefs.proto.metaserver.TxIntent;
import io.curvefs.proto.metaserver.TxRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.curvefs.metaserver.TwoPartitions.P1;
import static io.curvefs.metaserver.TwoPartitions.P2;
import static io.curvefs.metaserver.TwoPartitions.ROOT;
import static io.curvefs.metaserver.TwoPartitions.T1;
import static io.curvefs.metaserver.TwoPartitions.T2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rename transaction's metaserver side on a real RocksDB batch: what prepare checks and locks, what
 * the other commands do with a locked name, and what commit, abort and finish leave in each partition.
 * Partition 1 (ids 0-999) holds the root; partition 2 (ids 1000-1999) holds directory "d2" and its entries.
 */
class RenameTxTest {
    private RocksStore store;
    private MetaWriter w;
    private Inode d2;

    @BeforeEach
    void partitions(@TempDir Path dir) {
        store = new RocksStore(dir.resolve("db"));
        w = new MetaWriter(store.newBatch());
        TwoPartitions.create(w, 040755);
        d2 = InodeOperations.create(w, CreateInodeRequest.newBuilder().setPartition(P2).setType(FsFileType.TYPE_DIRECTORY)
                .setMode(040755).setParent(ROOT).setTime(T1).build()).getInode();
        DentryOperations.create(w, CreateDentryRequest.newBuilder().setPartition(P1).setDentry(Dentry.newBuilder()
                .setParentInodeId(ROOT).setName("d2").setInodeId(d2.getInodeId()).setType(FsFileType.TYPE_DIRECTORY))
                .setTime(T1).build());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Inode node(PartitionRef p, long parent, String name, FsFileType type) {
        return DentryOperations.createNode(w, CreateNodeRequest.newBuilder().setPartition(p).setParentInodeId(parent)
                .setName(name).setType(type).setMode(type == FsFileType.TYPE_DIRECTORY ? 040755 : 0100644)
                .setTime(T1).build()).getInode();
    }

    private Inode inode(long ino) {
        return w.inode(ino < 1000 ? 1 : 2, ino).orElseThrow();
    }

    private static TxIntent.Builder intent(TxIntent.Kind kind, long parent, String name, long ino, FsFileType type) {
        return TxIntent.newBuilder().setKind(kind).setParent(parent).setName(name).setInodeId(ino).setType(type);
    }

    private static TxRecord tx(String id, TxRecord.State state, List<Integer> others, TxIntent.Builder... intents) {
        TxRecord.Builder b = TxRecord.newBuilder().setTxId(id).setState(state).setPrimary(1).addAllParticipants(others)
                .setStartMs(1).setTtlMs(5000).setTime(T2);
        for (TxIntent.Builder i : intents) {
            b.addIntents(i);
        }
        return b.build();
    }

    private void prepare(PartitionRef p, TxRecord tx) {
        TxPrepare.prepare(w, PrepareTxRequest.newBuilder().setPartition(p).setTx(tx).build());
    }

    private List<Inode> commit(PartitionRef p, String id, boolean primary) {
        return TxOutcome.commit(w, CommitTxRequest.newBuilder().setPartition(p).setTxId(id).setAtPrimary(primary)
                .build()).getDeletedList();
    }

    private void abort(PartitionRef p, String id) {
        TxOutcome.abort(w, AbortTxRequest.newBuilder().setPartition(p).setTxId(id).build());
    }

    private void finish(String id) {
        TxOutcome.finish(w, FinishTxRequest.newBuilder().setPartition(P1).setTxId(id).build());
    }

    private static void refused(StatusCode code, Executable op) {
        assertEquals(code, assertThrows(RpcException.class, op).code());
    }

    private void getDentry(PartitionRef p, long parent, String name) {
        DentryOperations.get(w, GetDentryRequest.newBuilder().setPartition(p).setParentInodeId(parent).setName(name)
                .build());
    }

    private void list(PartitionRef p, long dir) {
        DentryOperations.list(w, ListDentryRequest.newBuilder().setPartition(p).setDirInodeId(dir).build());
    }

    /** /f (inode in partition 1) replaces /d2/g (inode in partition 2): both parts prepared. */
    private String prepareFileOverFile(Inode f, Inode g) {
        prepareIntoD2("tx-file", f, "f",
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "g", f.getInodeId(), FsFileType.TYPE_S3)
                        .setVictim(g.getInodeId()).setVictimType(FsFileType.TYPE_S3).setSrcParent(ROOT),
                intent(TxIntent.Kind.DROP_INODE, d2.getInodeId(), "", g.getInodeId(), FsFileType.TYPE_S3));
        return "tx-file";
    }

    /** /sub (inode in partition 1) moves to /d2/sub: both parts prepared, d2 held under the root. */
    private void prepareSubIntoD2(String id, Inode sub) {
        prepareIntoD2(id, sub, "sub",
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "sub", sub.getInodeId(), FsFileType.TYPE_DIRECTORY)
                        .setSrcParent(ROOT),
                intent(TxIntent.Kind.KEEP_PARENT, ROOT, "", d2.getInodeId(), FsFileType.TYPE_DIRECTORY));
    }

    /** The primary's part of moving /name (inode in partition 1) into d2, then partition 2's part. */
    private void prepareIntoD2(String id, Inode moved, String name, TxIntent.Builder... atP2) {
        prepare(P1, tx(id, TxRecord.State.PENDING, List.of(2),
                intent(TxIntent.Kind.REMOVE_NAME, ROOT, name, moved.getInodeId(), moved.getType()),
                intent(TxIntent.Kind.MOVE_INODE, ROOT, "", moved.getInodeId(), moved.getType())
                        .setNewParent(d2.getInodeId())));
        prepare(P2, tx(id, TxRecord.State.PREPARED, List.of(), atP2));
    }

    @Test
    void lockedNamesAreRefusedToEveryOtherCommandUntilTheTransactionEnds() {
        Inode f = node(P1, ROOT, "f", FsFileType.TYPE_S3);
        Inode g = node(P2, d2.getInodeId(), "g", FsFileType.TYPE_S3);
        String id = prepareFileOverFile(f, g);
        refused(StatusCode.TX_LOCKED, () -> getDentry(P1, ROOT, "f"));
        refused(StatusCode.TX_LOCKED, () -> getDentry(P2, d2.getInodeId(), "g"));
        refused(StatusCode.TX_LOCKED, () -> list(P2, d2.getInodeId()));
        refused(StatusCode.TX_LOCKED, () -> list(P1, ROOT));
        refused(StatusCode.TX_LOCKED, () -> EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1)
                .setParentInodeId(ROOT).setName("f").setTime(T2).build()));
        refused(StatusCode.TX_LOCKED, () -> LocalRename.rename(w, RenameRequest.newBuilder().setPartition(P1)
                .setSrcParent(ROOT).setSrcName("f").setDstParent(ROOT).setDstName("h").setTime(T2).build()));
        refused(StatusCode.TX_LOCKED, () -> prepare(P2, tx("other", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "g", 7, FsFileType.TYPE_S3)
                        .setVictim(g.getInodeId()).setVictimType(FsFileType.TYPE_S3))));
        // other names of the directory are free to read...
        refused(StatusCode.DENTRY_NOT_FOUND, () -> getDentry(P2, d2.getInodeId(), "other-name"));
        node(P2, d2.getInodeId(), "h", FsFileType.TYPE_S3); // ...and to create
        abort(P1, id);
        abort(P2, id);
        getDentry(P1, ROOT, "f");
        getDentry(P2, d2.getInodeId(), "g");
        list(P2, d2.getInodeId());
    }

    @Test
    void commitAtThePrimaryThenElsewhereMovesTheNameAndDropsTheReplacedInode() {
        Inode f = node(P1, ROOT, "f", FsFileType.TYPE_S3);
        Inode g = node(P2, d2.getInodeId(), "g", FsFileType.TYPE_S3);
        long dentriesP1 = w.partition(1).orElseThrow().getDentryCount();
        String id = prepareFileOverFile(f, g);

        assertTrue(commit(P1, id, true).isEmpty());
        assertFalse(w.dentry(1, ROOT, "f").isPresent(), "the commit point removes the old name");
        assertEquals(List.of(d2.getInodeId()), inode(f.getInodeId()).getParentList());
        assertEquals(T2.getSec(), inode(f.getInodeId()).getCtime());
        assertEquals(T2.getSec(), inode(ROOT).getMtime());
        assertEquals(dentriesP1 - 1, w.partition(1).orElseThrow().getDentryCount());
        refused(StatusCode.TX_LOCKED, () -> getDentry(P1, ROOT, "f")); // until finish, readers roll forward
        assertEquals(TxRecord.State.COMMITTED, w.tx(1, id).orElseThrow().getState());
        refused(StatusCode.TX_COMMITTED, () -> abort(P1, id));

        List<Inode> deleted = commit(P2, id, false);
        assertEquals(List.of(g.getInodeId()), deleted.stream().map(Inode::getInodeId).toList());
        assertEquals(f.getInodeId(), w.dentry(2, d2.getInodeId(), "g").orElseThrow().getInodeId());
        assertEquals(0, w.inode(2, g.getInodeId()).orElseThrow().getNlink(), "g waits in the trash");
        assertEquals(List.of(g.getInodeId()), w.trashUpTo(2, Long.MAX_VALUE, 10).stream()
                .map(TrashEntry::ino).toList());
        assertEquals(1, w.partition(2).orElseThrow().getDentryCount(), "the placed entry replaced g's");
        assertEquals(1, w.partition(2).orElseThrow().getInodeCount(), "d2; g counts no more");
        assertTrue(commit(P2, id, false).isEmpty(), "a repeated commit elsewhere changes nothing");
        assertEquals(f.getInodeId(), w.dentry(2, d2.getInodeId(), "g").orElseThrow().getInodeId());

        finish(id);
        assertTrue(w.txs(1).isEmpty());
        assertTrue(w.txs(2).isEmpty());
        getDentry(P1, ROOT, "d2");
        refused(StatusCode.DENTRY_NOT_FOUND, () -> getDentry(P1, ROOT, "f"));
        refused(StatusCode.TX_ABORTED, () -> commit(P1, id, true));
    }

    @Test
    void aLinkAcrossPartitionsGivesNameAndLinkCountTogetherAndKeepsTheFileNamedMeanwhile() {
        Inode f = node(P1, ROOT, "f", FsFileType.TYPE_S3);
        long dir = d2.getInodeId();
        TxRecord base = TxRecord.newBuilder().setTxId("link").setPrimary(2).setStartMs(1).setTtlMs(5000)
                .setTime(T2).build();
        prepare(P2, base.toBuilder().setState(TxRecord.State.PENDING).addParticipants(1)
                .addIntents(intent(TxIntent.Kind.PLACE_NAME, dir, "l", f.getInodeId(), FsFileType.TYPE_S3)
                        .setSrcParent(dir)).build());
        prepare(P1, base.toBuilder().setState(TxRecord.State.PREPARED)
                .addIntents(intent(TxIntent.Kind.LINK_INODE, dir, "", f.getInodeId(), FsFileType.TYPE_S3)).build());
        refused(StatusCode.TX_LOCKED, () -> EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1)
                .setParentInodeId(ROOT).setName("f").setTime(T2).build()));
        assertEquals(1, inode(f.getInodeId()).getNlink(), "nothing changes before the commit");

        TxOutcome.commit(w, CommitTxRequest.newBuilder().setPartition(P2).setTxId("link").setAtPrimary(true).build());
        commit(P1, "link", false);
        TxOutcome.finish(w, FinishTxRequest.newBuilder().setPartition(P2).setTxId("link").build());
        Inode linked = inode(f.getInodeId());
        assertEquals(2, linked.getNlink());
        assertEquals(List.of(ROOT, dir), linked.getParentList());
        assertEquals(T2.getSec(), linked.getCtime());
        assertEquals(f.getInodeId(), w.dentry(2, dir, "l").orElseThrow().getInodeId());
        EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(ROOT).setName("f")
                .setTime(T2).build());
        assertEquals(1, inode(f.getInodeId()).getNlink(), "the file keeps its new name");

        Inode gone = node(P1, ROOT, "gone", FsFileType.TYPE_S3);
        EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(ROOT).setName("gone")
                .setTime(T2).build());
        refused(StatusCode.INODE_NOT_FOUND, () -> prepare(P1, base.toBuilder().setTxId("late")
                .setState(TxRecord.State.PREPARED)
                .addIntents(intent(TxIntent.Kind.LINK_INODE, dir, "", gone.getInodeId(), FsFileType.TYPE_S3)).build()));
    }

    @Test
    void abortedAtThePrimaryTheTransactionCannotCommit() {
        Inode f = node(P1, ROOT, "f", FsFileType.TYPE_S3);
        Inode g = node(P2, d2.getInodeId(), "g", FsFileType.TYPE_S3);
        String id = prepareFileOverFile(f, g);
        abort(P1, id);
        refused(StatusCode.TX_ABORTED, () -> commit(P1, id, true));
        abort(P2, id);
        assertTrue(commit(P2, id, false).isEmpty());
        assertEquals(f.getInodeId(), w.dentry(1, ROOT, "f").orElseThrow().getInodeId());
        assertEquals(g.getInodeId(), w.dentry(2, d2.getInodeId(), "g").orElseThrow().getInodeId());
        assertEquals(1, inode(g.getInodeId()).getNlink());
        assertEquals(List.of(ROOT), inode(f.getInodeId()).getParentList());
    }

    @Test
    void movingADirectoryAcrossUpdatesBothParentsLinkCounts() {
        Inode sub = node(P1, ROOT, "sub", FsFileType.TYPE_DIRECTORY);
        int rootLinks = inode(ROOT).getNlink();
        int d2Links = inode(d2.getInodeId()).getNlink();
        prepareSubIntoD2("tx-dir", sub);
        commit(P1, "tx-dir", true);
        commit(P2, "tx-dir", false);
        finish("tx-dir");
        assertEquals(rootLinks - 1, inode(ROOT).getNlink());
        assertEquals(d2Links + 1, inode(d2.getInodeId()).getNlink());
        assertEquals(List.of(d2.getInodeId()), inode(sub.getInodeId()).getParentList());
    }

    @Test
    void prepareChecksThePosixRules() {
        Inode f = node(P1, ROOT, "f", FsFileType.TYPE_S3);
        Inode sub = node(P1, ROOT, "sub", FsFileType.TYPE_DIRECTORY);
        Inode g = node(P2, d2.getInodeId(), "g", FsFileType.TYPE_S3);
        Inode full = node(P2, d2.getInodeId(), "full", FsFileType.TYPE_DIRECTORY);
        node(P2, full.getInodeId(), "x", FsFileType.TYPE_S3);
        Inode inner = node(P2, d2.getInodeId(), "inner", FsFileType.TYPE_DIRECTORY);
        // a file over a directory, a directory over a file
        refused(StatusCode.IS_DIRECTORY, () -> prepare(P2, tx("a", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "full", f.getInodeId(), FsFileType.TYPE_S3)
                        .setVictim(full.getInodeId()).setVictimType(FsFileType.TYPE_DIRECTORY))));
        refused(StatusCode.NOT_DIRECTORY, () -> prepare(P2, tx("b", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "g", sub.getInodeId(), FsFileType.TYPE_DIRECTORY)
                        .setVictim(g.getInodeId()).setVictimType(FsFileType.TYPE_S3))));
        // a non-empty directory cannot be replaced
        refused(StatusCode.DIR_NOT_EMPTY, () -> prepare(P2, tx("c", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.DROP_INODE, d2.getInodeId(), "", full.getInodeId(), FsFileType.TYPE_DIRECTORY))));
        // d2 into its own subdirectory
        refused(StatusCode.INVALID_ARGUMENT, () -> prepare(P2, tx("d", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.PLACE_NAME, inner.getInodeId(), "d2", d2.getInodeId(), FsFileType.TYPE_DIRECTORY)
                        .setSrcParent(ROOT))));
        // the names changed since the client looked
        refused(StatusCode.TX_CONFLICT, () -> prepare(P2, tx("e", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.PLACE_NAME, d2.getInodeId(), "g", f.getInodeId(), FsFileType.TYPE_S3))));
        refused(StatusCode.TX_CONFLICT, () -> prepare(P1, tx("f", TxRecord.State.PENDING, List.of(),
                intent(TxIntent.Kind.REMOVE_NAME, ROOT, "f", sub.getInodeId(), FsFileType.TYPE_S3))));
        assertTrue(w.txs(1).isEmpty() && w.txs(2).isEmpty(), "a refused prepare leaves nothing");
        // an empty directory being replaced takes no new entry until the transaction ends
        Inode empty = node(P2, d2.getInodeId(), "empty", FsFileType.TYPE_DIRECTORY);
        prepare(P2, tx("g", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.DROP_INODE, d2.getInodeId(), "", empty.getInodeId(), FsFileType.TYPE_DIRECTORY)));
        refused(StatusCode.TX_LOCKED, () -> node(P2, empty.getInodeId(), "late", FsFileType.TYPE_S3));
        assertEquals(List.of(empty.getInodeId()), commit(P2, "g", false).stream().map(Inode::getInodeId).toList());
    }

    @Test
    void aMovingDirectoryAndTheWayToItsNewParentAreHeldUntilTheTransactionEnds() {
        Inode sub = node(P1, ROOT, "sub", FsFileType.TYPE_DIRECTORY);
        Inode other = node(P1, ROOT, "other", FsFileType.TYPE_DIRECTORY);
        prepareSubIntoD2("t1", sub);
        // d2 may not move while t1 relies on where it is, nor may sub be relied on while it moves
        refused(StatusCode.TX_LOCKED, () -> prepare(P2, tx("t2", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.MOVE_INODE, ROOT, "", d2.getInodeId(), FsFileType.TYPE_DIRECTORY)
                        .setNewParent(other.getInodeId()))));
        refused(StatusCode.TX_LOCKED, () -> prepare(P1, tx("t3", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.KEEP_PARENT, ROOT, "", sub.getInodeId(), FsFileType.TYPE_DIRECTORY))));
        // one command moving a directory under sub would not see the whole way: refused until t1 ends
        refused(StatusCode.TX_LOCKED, () -> LocalRename.rename(w, RenameRequest.newBuilder().setPartition(P1)
                .setSrcParent(ROOT).setSrcName("other").setDstParent(sub.getInodeId()).setDstName("o").setTime(T2)
                .build()));
        // a stale view of the way is a conflict
        refused(StatusCode.TX_CONFLICT, () -> prepare(P1, tx("t4", TxRecord.State.PREPARED, List.of(),
                intent(TxIntent.Kind.KEEP_PARENT, d2.getInodeId(), "", other.getInodeId(), FsFileType.TYPE_DIRECTORY))));
        commit(P1, "t1", true);
        commit(P2, "t1", false);
        finish("t1");
        assertTrue(w.txs(1).isEmpty() && w.txs(2).isEmpty());
        // q and r live in partition 2 but the root does not: one command there cannot see the whole way
        Inode q = node(P2, d2.getInodeId(), "q", FsFileType.TYPE_DIRECTORY);
        Inode r = node(P2, d2.getInodeId(), "r", FsFileType.TYPE_DIRECTORY);
        refused(StatusCode.CROSS_PARTITION, () -> LocalRename.rename(w, RenameRequest.newBuilder().setPartition(P2)
                .setSrcParent(d2.getInodeId()).setSrcName("q").setDstParent(r.getInodeId()).setDstName("q")
                .setTime(T2).build()));
        assertEquals(List.of(d2.getInodeId()), inode(q.getInodeId()).getParentList());
    }
}
