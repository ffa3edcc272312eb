package io.curvefs.metaserver;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.dentry.EntryLink;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.inode.ChunkOperations;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.rename.LocalRename;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.LinkRequest;
import io.curvefs.proto.metaserver.LinkResponse;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.RenameRequest;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
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
 * The one-command namespace operations (unlink/rmdir, link, rename within a partition) applied to a
 * real RocksDB batch as the state machine applies them: every POSIX rule they check, and every inode
 * they change; and that they refuse (CROSS_PARTITION) what would change an inode of another partition.
 */
class NamespaceOperationsTest {
    private RocksStore store;
    private MetaWriter w;

    @BeforeEach
    void partitions(@TempDir Path dir) {
        store = new RocksStore(dir.resolve("db"));
        w = new MetaWriter(store.newBatch());
        TwoPartitions.create(w, 041777);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Inode node(long parent, String name, FsFileType type, int uid) {
        return DentryOperations.createNode(w, CreateNodeRequest.newBuilder().setPartition(P1).setParentInodeId(parent)
                .setName(name).setType(type).setMode(type == FsFileType.TYPE_DIRECTORY ? 040755 : 0100644)
                .setUid(uid).setTime(T1).build()).getInode();
    }

    private Inode inode(long ino) {
        return w.inode(ino < 1000 ? 1 : 2, ino).orElse(null);
    }

    private RemoveEntryResponse remove(long parent, String name, boolean dir, int uid, boolean keep) {
        return EntryRemoval.remove(w, RemoveEntryRequest.newBuilder().setPartition(P1).setParentInodeId(parent)
                .setName(name).setDirectory(dir).setCallerUid(uid).setKeepIfOrphaned(keep).setTime(T2).build());
    }

    private RenameResponse rename(long sp, String sn, long dp, String dn, int uid) {
        return LocalRename.rename(w, RenameRequest.newBuilder().setPartition(P1).setSrcParent(sp).setSrcName(sn)
                .setDstParent(dp).setDstName(dn).setCallerUid(uid).setTime(T2).build());
    }

    private LinkResponse link(long parent, String name, long ino) {
        return EntryLink.link(w, LinkRequest.newBuilder().setPartition(P1).setParentInodeId(parent).setName(name)
                .setInodeId(ino).setType(FsFileType.TYPE_S3).setTime(T2).build());
    }

    private static void refused(StatusCode code, Executable op) {
        assertEquals(code, assertThrows(RpcException.class, op).code());
    }

    @Test
    void unlinkDropsOneLinkAndTheLastPutsTheFileInTheTrash() {
        Inode dir = node(ROOT, "d", FsFileType.TYPE_DIRECTORY, 0);
        Inode f = node(dir.getInodeId(), "f", FsFileType.TYPE_S3, 0);
        appendChunkInfo(f.getInodeId());
        LinkResponse linked = link(ROOT, "g", f.getInodeId());
        assertTrue(linked.getInodeLocal());
        assertEquals(2, linked.getInode().getNlink());
        assertEquals(List.of(dir.getInodeId(), ROOT), linked.getInode().getParentList());
        refused(StatusCode.DENTRY_EXIST, () -> link(ROOT, "g", f.getInodeId()));
        refused(StatusCode.IS_DIRECTORY, () -> remove(ROOT, "d", false, 0, false));
        refused(StatusCode.NOT_DIRECTORY, () -> remove(ROOT, "g", true, 0, false));
        refused(StatusCode.DIR_NOT_EMPTY, () -> remove(ROOT, "d", true, 0, false));
        refused(StatusCode.DENTRY_NOT_FOUND, () -> remove(ROOT, "nothing", false, 0, false));

        RemoveEntryResponse first = remove(dir.getInodeId(), "f", false, 0, false);
        assertTrue(first.getInodeLocal());
        assertFalse(first.getInodeDeleted());
        assertEquals(1, inode(f.getInodeId()).getNlink());
        assertEquals(List.of(ROOT), inode(f.getInodeId()).getParentList());
        assertEquals(T2.getSec(), first.getParent().getMtime(), "the parent's mtime");

        RemoveEntryResponse last = remove(ROOT, "g", false, 0, false);
        assertTrue(last.getInodeDeleted());
        assertEquals(0, inode(f.getInodeId()).getNlink(), "in the trash: still readable by open handles");
        assertEquals(T2.getSec(), inode(f.getInodeId()).getDtime());
        assertTrue(w.inTrash(1, T2.getSec(), f.getInodeId()));
        assertEquals(1, w.chunks(1, f.getInodeId(), List.of()).size(), "its objects wait for the reclaimer");

        long rootLinks = inode(ROOT).getNlink();
        RemoveEntryResponse rmdir = remove(ROOT, "d", true, 0, false);
        assertTrue(rmdir.getInodeDeleted());
        assertEquals(rootLinks - 1, rmdir.getParent().getNlink(), "the subdirectory's '..' is gone");
    }

    @Test
    void anOpenFileIsHeldInTheTrashAtNlinkZeroWithItsDeletionTime() {
        Inode f = node(ROOT, "open", FsFileType.TYPE_S3, 0);
        RemoveEntryResponse r = remove(ROOT, "open", false, 0, true);
        assertFalse(r.getInodeDeleted(), "the mount still has to release it");
        assertEquals(0, inode(f.getInodeId()).getNlink());
        assertEquals(T2.getSec(), inode(f.getInodeId()).getDtime());
        assertTrue(w.inTrash(1, T2.getSec(), f.getInodeId()));
        assertTrue(w.isHeld(1, f.getInodeId()), "the reclaimer waits for the last close");
    }

    @Test
    void stickyDirectoriesProtectOthersEntries() {
        Inode mine = node(ROOT, "mine", FsFileType.TYPE_S3, 1000);
        node(ROOT, "theirs", FsFileType.TYPE_S3, 2000);
        refused(StatusCode.NOT_PERMITTED, () -> remove(ROOT, "theirs", false, 1000, false));
        refused(StatusCode.NOT_PERMITTED, () -> rename(ROOT, "theirs", ROOT, "x", 1000));
        refused(StatusCode.NOT_PERMITTED, () -> rename(ROOT, "mine", ROOT, "theirs", 1000));
        rename(ROOT, "mine", ROOT, "mine2", 1000);
        assertEquals(mine.getInodeId(), w.dentry(1, ROOT, "mine2").orElseThrow().getInodeId());
        remove(ROOT, "theirs", false, 0, false); // root may
    }

    @Test
    void renameFollowsPosix() {
        Inode a = node(ROOT, "a", FsFileType.TYPE_DIRECTORY, 0);
        Inode b = node(ROOT, "b", FsFileType.TYPE_DIRECTORY, 0);
        Inode sub = node(a.getInodeId(), "sub", FsFileType.TYPE_DIRECTORY, 0);
        Inode f = node(a.getInodeId(), "f", FsFileType.TYPE_S3, 0);
        Inode g = node(b.getInodeId(), "g", FsFileType.TYPE_S3, 0);
        node(b.getInodeId(), "full", FsFileType.TYPE_DIRECTORY, 0);
        long fullDir = w.dentry(1, b.getInodeId(), "full").orElseThrow().getInodeId();
        node(fullDir, "x", FsFileType.TYPE_S3, 0);

        refused(StatusCode.INVALID_ARGUMENT, () -> rename(ROOT, "a", sub.getInodeId(), "loop", 0));
        refused(StatusCode.IS_DIRECTORY, () -> rename(a.getInodeId(), "f", b.getInodeId(), "full", 0));
        refused(StatusCode.NOT_DIRECTORY, () -> rename(a.getInodeId(), "sub", b.getInodeId(), "g", 0));
        refused(StatusCode.DIR_NOT_EMPTY, () -> rename(a.getInodeId(), "sub", b.getInodeId(), "full", 0));
        refused(StatusCode.DENTRY_NOT_FOUND, () -> rename(a.getInodeId(), "none", b.getInodeId(), "x", 0));

        // a file replaces a file: the replaced one is deleted, the moved one changes parent and ctime
        RenameResponse over = rename(a.getInodeId(), "f", b.getInodeId(), "g", 0);
        assertEquals(g.getInodeId(), over.getReplaced().getInodeId());
        assertTrue(over.getReplacedDeleted());
        assertTrue(w.inTrash(1, T2.getSec(), g.getInodeId()), "the replaced file is in the trash");
        assertEquals(List.of(b.getInodeId()), over.getMovedInode().getParentList());
        assertEquals(T2.getSec(), over.getMovedInode().getCtime());
        assertFalse(w.dentry(1, a.getInodeId(), "f").isPresent());
        assertEquals(f.getInodeId(), w.dentry(1, b.getInodeId(), "g").orElseThrow().getInodeId());

        // a directory moves: link counts of both parents follow its ".."
        int aLinks = inode(a.getInodeId()).getNlink();
        int bLinks = inode(b.getInodeId()).getNlink();
        RenameResponse moved = rename(a.getInodeId(), "sub", b.getInodeId(), "sub", 0);
        assertEquals(aLinks - 1, moved.getSrcParent().getNlink());
        assertEquals(bLinks + 1, moved.getDstParent().getNlink());
        assertEquals(List.of(b.getInodeId()), inode(sub.getInodeId()).getParentList());

        // an empty directory is replaced by a directory; the count of the parent stays
        node(ROOT, "empty", FsFileType.TYPE_DIRECTORY, 0);
        int rootLinks = inode(ROOT).getNlink();
        RenameResponse replacedDir = rename(ROOT, "a", ROOT, "empty", 0);
        assertTrue(replacedDir.getReplacedDeleted());
        assertEquals(rootLinks - 1, inode(ROOT).getNlink(), "one directory fewer under the root");

        // two names of one inode: nothing happens
        link(b.getInodeId(), "g2", f.getInodeId());
        assertTrue(rename(b.getInodeId(), "g", b.getInodeId(), "g2", 0).getNoop());
        assertTrue(w.dentry(1, b.getInodeId(), "g").isPresent());
    }

    @Test
    void entriesWhoseInodeLivesInAnotherPartitionAreRefusedToTheTransaction() {
        Inode elsewhere = InodeOperations.create(w, CreateInodeRequest.newBuilder().setPartition(P2)
                .setType(FsFileType.TYPE_S3).setMode(0100644).setParent(ROOT).setTime(T1).build()).getInode();
        refused(StatusCode.CROSS_PARTITION, () -> link(ROOT, "far", elsewhere.getInodeId()));
        assertEquals(1, inode(elsewhere.getInodeId()).getNlink(), "a refused link changes nothing");
        DentryOperations.create(w, io.curvefs.proto.metaserver.CreateDentryRequest.newBuilder().setPartition(P1)
                .setDentry(io.curvefs.proto.metaserver.Dentry.newBuilder().setParentInodeId(ROOT).setName("far")
                        .setInodeId(elsewhere.getInodeId()).setType(FsFileType.TYPE_S3)).setTime(T2).build());
        assertFalse(lookup("far").hasInode(), "a remote inode's attributes come from its own partition");
        node(ROOT, "near", FsFileType.TYPE_S3, 0);
        assertTrue(lookup("near").hasInode(), "a local inode's attributes come with the entry");
        // changing the remote inode in a second step could be cut by a crash: refused, nothing changed
        refused(StatusCode.CROSS_PARTITION, () -> rename(ROOT, "far", ROOT, "far2", 0));
        refused(StatusCode.CROSS_PARTITION, () -> remove(ROOT, "far", false, 0, false));
        refused(StatusCode.CROSS_PARTITION, () -> rename(ROOT, "near", ROOT, "far", 0));
        assertEquals(elsewhere.getInodeId(), lookup("far").getDentry().getInodeId());
        assertTrue(lookup("near").hasInode());
        Inode remoteDir = InodeOperations.create(w, CreateInodeRequest.newBuilder().setPartition(P2)
                .setType(FsFileType.TYPE_DIRECTORY).setMode(040755).setParent(ROOT).setTime(T1).build()).getInode();
        DentryOperations.create(w, io.curvefs.proto.metaserver.CreateDentryRequest.newBuilder().setPartition(P1)
                .setDentry(io.curvefs.proto.metaserver.Dentry.newBuilder().setParentInodeId(ROOT).setName("farDir")
                        .setInodeId(remoteDir.getInodeId()).setType(FsFileType.TYPE_DIRECTORY)).setTime(T2).build());
        refused(StatusCode.CROSS_PARTITION, () -> remove(ROOT, "farDir", true, 0, false));
        node(ROOT, "emptyDir", FsFileType.TYPE_DIRECTORY, 0);
        refused(StatusCode.CROSS_PARTITION, () -> rename(ROOT, "emptyDir", ROOT, "farDir", 0));
    }

    private GetDentryResponse lookup(String name) {
        return DentryOperations.get(w, GetDentryRequest.newBuilder().setPartition(P1).setParentInodeId(ROOT)
                .setName(name).setWithInode(true).build());
    }

    /** One chunk info on the inode, as a flush appends it. */
    private void appendChunkInfo(long ino) {
        ChunkOperations.append(w, 99, AppendS3ChunkInfoRequest.newBuilder().setPartition(P1).setInodeId(ino)
                .putAdd(0, S3ChunkInfoList.newBuilder().addInfos(S3ChunkInfo.newBuilder().setChunkId(7).setLen(10))
                        .build()).setLength(10).build());
    }
}
