package io.curvefs.common.meta;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreateDentryRequest;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement and retry decisions of MetaClient, against one scripted in-JVM server. */
class MetaClientTest {
    private static final long ROOT = 1;
    private static final Time T = Time.newBuilder().setSec(1).build();

    private FakeMetaCluster cluster;
    private CurveRpcClient rpc;

    private MetaClient open(int partitions) throws Exception {
        cluster = FakeMetaCluster.start(partitions);
        rpc = new CurveRpcClient(FakeMetaCluster.TOKEN);
        RetryPolicy quick = new RetryPolicy(5_000, 1_000, 10, 100);
        MdsClient mds = new MdsClient(rpc, List.of(cluster.address()), quick);
        return new MetaClient(rpc, mds, FakeMetaCluster.FS, quick);
    }

    @AfterEach
    void close() {
        if (rpc != null) {
            rpc.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Inode createFile(MetaClient meta, String name) {
        return meta.createNode(ROOT, name, FsFileType.TYPE_FILE, 0100644, 0, 0, 0, "", T).inode();
    }

    @Test
    void aWritableParentPartitionTakesTheCreateInOneRequest() throws Exception {
        MetaClient meta = open(2);

        Inode inode = createFile(meta, "a");

        assertEquals(1, cluster.received(CreateNodeRequest.class).size());
        assertEquals(1, cluster.received(CreateNodeRequest.class).get(0).getPartition().getPartitionId());
        assertTrue(cluster.received(CreateInodeRequest.class).isEmpty());
        assertTrue(cluster.received(CreateDentryRequest.class).isEmpty());
        assertEquals(3, inode.getInodeId(), "the parent's partition hands out ids from 3");
    }

    @Test
    void aFullParentPartitionSendsTheInodeElsewhereAndLinksIt() throws Exception {
        MetaClient meta = open(2);
        cluster.markFull(1);

        Inode first = createFile(meta, "a");
        Inode second = createFile(meta, "b");

        assertTrue(first.getInodeId() >= 100 && second.getInodeId() >= 100, "ids of partition 2");
        assertEquals(1, cluster.received(CreateNodeRequest.class).size(),
                "once refused, the parent's partition is known to be full");
        List<CreateInodeRequest> inodes = cluster.received(CreateInodeRequest.class);
        assertEquals(2, inodes.size());
        inodes.forEach(r -> assertEquals(2, r.getPartition().getPartitionId()));
        List<CreateDentryRequest> dentries = cluster.received(CreateDentryRequest.class);
        assertEquals(2, dentries.size());
        assertEquals(1, dentries.get(0).getPartition().getPartitionId(), "the dentry stays with its parent");
        assertEquals(first.getInodeId(), dentries.get(0).getDentry().getInodeId());
        assertEquals("a", dentries.get(0).getDentry().getName());
    }

    @Test
    void anInodeThatCannotBeLinkedIsDeletedAgain() throws Exception {
        MetaClient meta = open(2);
        cluster.markFull(1);
        createFile(meta, "a"); // teaches the client that the parent's partition is full
        // the name appears after the client chose the two-step path (another mount created it meanwhile)
        cluster.nameExists("taken");

        RpcException e = assertThrows(RpcException.class, () -> createFile(meta, "taken"));

        assertEquals(StatusCode.DENTRY_EXIST, e.code());
        List<CreateInodeRequest> created = cluster.received(CreateInodeRequest.class);
        assertEquals(2, created.size());
        List<DeleteInodeRequest> deletes = cluster.received(DeleteInodeRequest.class);
        assertEquals(1, deletes.size());
        assertEquals(101, deletes.get(0).getInodeId(), "the second inode partition 2 created");
        assertEquals(2, deletes.get(0).getPartition().getPartitionId());
    }

    @Test
    void anExistingNameInAWritableParentIsRefusedWithoutCreatingAnything() throws Exception {
        MetaClient meta = open(2);
        cluster.nameExists("taken");

        RpcException e = assertThrows(RpcException.class, () -> createFile(meta, "taken"));

        assertEquals(StatusCode.DENTRY_EXIST, e.code());
        assertTrue(cluster.received(CreateInodeRequest.class).isEmpty());
        assertTrue(cluster.received(DeleteInodeRequest.class).isEmpty());
    }

    @Test
    void whenEveryPartitionIsFullTheMdsIsAskedForThreeMore() throws Exception {
        MetaClient meta = open(2);
        cluster.markFull(1);
        cluster.markFull(2);

        Inode inode = createFile(meta, "a");

        List<CreatePartitionRequest> asked = cluster.received(CreatePartitionRequest.class);
        assertEquals(1, asked.size());
        assertEquals(3, asked.get(0).getCount());
        assertEquals(FakeMetaCluster.FS, asked.get(0).getFsId());
        assertEquals(5, cluster.partitionCount());
        assertTrue(inode.getInodeId() >= 200, "an id of a new partition: " + inode.getInodeId());
    }

    @Test
    void aStaleRouteIsReloadedAndTheRetryKeepsItsSequenceNumber() throws Exception {
        MetaClient meta = open(1);
        meta.router().route(ROOT);
        int listsBefore = cluster.listCalls();
        cluster.failOnce(UpdateInodeRequest.class, StatusCode.PARTITION_NOT_FOUND);

        meta.updateInode(5, u -> u.setMode(0600));

        List<UpdateInodeRequest> sent = cluster.received(UpdateInodeRequest.class);
        assertEquals(2, sent.size());
        assertEquals(sent.get(0).getHeader(), sent.get(1).getHeader(), "one mutation, one client id + seq");
        assertNotEquals(0, sent.get(0).getHeader().getSeq());
        assertEquals(listsBefore + 1, cluster.listCalls(), "the route was reloaded once");
    }

    @Test
    void aStatusOtherThanAStaleRouteIsThrownWithItsCode() throws Exception {
        MetaClient meta = open(1);
        cluster.failOnce(UpdateInodeRequest.class, StatusCode.INODE_NOT_FOUND);

        RpcException e = assertThrows(RpcException.class, () -> meta.updateInode(5, u -> u.setMode(0600)));

        assertEquals(StatusCode.INODE_NOT_FOUND, e.code());
        assertEquals(1, cluster.received(UpdateInodeRequest.class).size(), "not retried");
    }
}
