package io.curvefs.tests.mount;

import io.curvefs.client.data.DataConfig;
import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A file system's chunk infos (through the metadata client) and its objects (through S3), side by side. */
record BucketAccounting(CurveRpcClient rpc, MetaClient meta, FsInfo fs, S3ObjectStore objects)
        implements AutoCloseable {
    static BucketAccounting open(MountCluster env) {
        CurveRpcClient rpc = new CurveRpcClient(env.cluster.clusterToken());
        MdsClient mds = new MdsClient(rpc, env.cluster.mdsAddrs(), RetryPolicy.DEFAULT);
        FsInfo fs = mds.getFsInfo(env.fsName);
        return new BucketAccounting(rpc, new MetaClient(rpc, mds, fs.getFsId(), RetryPolicy.DEFAULT), fs,
                new S3ObjectStore(fs.getS3Info(), DataConfig.defaults().s3Settings()));
    }

    /** chunk index -> infos of the inode, as the metaserver has them now. */
    Map<Long, S3ChunkInfoList> chunkInfos(long ino) {
        return meta.getInode(ino, true).getS3ChunkInfoMapMap();
    }

    /** Every object the chunk infos of these inodes name. */
    Set<String> referencedBy(List<Long> inodes) {
        ObjectLayout layout = new ObjectLayout(fs.getS3Info(), fs.getFsId());
        Set<String> names = new TreeSet<>();
        for (long ino : inodes) {
            names.addAll(layout.objectNames(ino, chunkInfos(ino).values()));
        }
        return names;
    }

    /** Every object of the file system in the bucket. */
    Set<String> stored() throws IOException {
        String prefix = new ObjectLayout(fs.getS3Info(), fs.getFsId()).fsPrefix();
        return new TreeSet<>(objects.list(prefix, objects.deadlineFromNow()));
    }

    /** The objects of one inode in the bucket, whether or not its chunk infos (or the inode) still exist. */
    Set<String> storedOf(long ino) throws IOException {
        String prefix = new ObjectLayout(fs.getS3Info(), fs.getFsId()).inodePrefix(ino);
        return new TreeSet<>(objects.list(prefix, objects.deadlineFromNow()));
    }

    @Override
    public void close() {
        objects.close();
        rpc.close();
    }
}
