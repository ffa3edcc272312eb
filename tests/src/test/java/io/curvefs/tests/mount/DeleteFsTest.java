package io.curvefs.tests.mount;

import io.curvefs.client.data.DataConfig;
import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.tests.meta.CopysetProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.http.ContentStreamProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, Show 6: delete-fs of a file system holding 10,000 files leaves no object of it in the bucket
 * (deleted files still in the trash included) and no partition of it on any metaserver, and touches
 * nothing of another file system whose id merely starts with the same digits.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class DeleteFsTest {
    private static final int DIRS = 50;
    private static final int FILES_PER_DIR = 200;
    private static final long DELETE_WAIT_MS = 180_000;
    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(DeleteFsTest.class, "doomedfs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void deleteFsRemovesEveryObjectAndEveryPartitionOfTheFs() throws Exception {
        try (MountedFs fs = env.mount("m")) {
            writeFiles(fs.path());
            for (int i = 0; i < FILES_PER_DIR; i++) {
                Files.delete(fs.path().resolve("d0").resolve("f" + i)); // in the trash: objects still there
            }
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
        try (CurveRpcClient rpc = new CurveRpcClient(env.cluster.clusterToken())) {
            FsInfo doomed = new MdsClient(rpc, env.cluster.mdsAddrs(), RetryPolicy.DEFAULT).getFsInfo(env.fsName);
            ObjectLayout layout = new ObjectLayout(doomed.getS3Info(), doomed.getFsId());
            // an object of fs "<id>1": its name starts with the doomed fs's id but not with its prefix
            String bystander = new ObjectLayout(doomed.getS3Info(), doomed.getFsId() * 10 + 1).objectName(3, 1, 0, 0);
            try (S3ObjectStore objects = new S3ObjectStore(doomed.getS3Info(), DataConfig.defaults().s3Settings())) {
                byte[] body = "x".getBytes(StandardCharsets.UTF_8);
                objects.put(bystander, ContentStreamProvider.fromByteArray(body), body.length, objects.deadlineFromNow());
                int before = list(objects, layout.fsPrefix()).size();
                assertTrue(before >= DIRS * FILES_PER_DIR, "one object per file at least: " + before);
                assertTrue(hostedPartitions(rpc, doomed.getFsId()) > 0, "the fs has partitions on the metaservers");

                var deleted = env.cluster.tool("delete-fs", "--fsname", env.fsName, "--yes");
                assertEquals(0, deleted.exitCode(), () -> "delete-fs: " + deleted.stdout() + deleted.stderr());
                assertTrue(Waiting.until(DELETE_WAIT_MS, () -> {
                    var listed = env.cluster.tool("list-fs");
                    return listed.exitCode() == 0 && !listed.stdout().contains(env.fsName);
                }), "the fs record goes once its partitions and objects are gone");

                assertEquals(List.of(), list(objects, layout.fsPrefix()), "no object of the fs is left");
                assertEquals(List.of(bystander), list(objects, bystander), "another fs's object stays");
                assertEquals(0, hostedPartitions(rpc, doomed.getFsId()), "no replica hosts a partition of the fs");
            }
        }
    }

    /** 10,000 small files, each with its own object, written by a few threads. */
    private static void writeFiles(Path root) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int d = 0; d < DIRS; d++) {
                Path dir = Files.createDirectory(root.resolve("d" + d));
                done.add(pool.submit(() -> {
                    for (int i = 0; i < FILES_PER_DIR; i++) {
                        try {
                            Files.writeString(dir.resolve("f" + i), dir.getFileName() + "/" + i);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> list(S3ObjectStore objects, String prefix) {
        try {
            return objects.list(prefix, objects.deadlineFromNow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Partitions of the fs on every replica of every copyset, each replica asked directly. */
    private static int hostedPartitions(CurveRpcClient rpc, int fsId) {
        int n = 0;
        for (CopysetInfo c : env.cluster.listTopology().getCopysetsList()) {
            CopysetProbe probe = new CopysetProbe(rpc, c.getPoolId(), c.getCopysetId());
            for (Peer peer : c.getPeersList()) {
                for (PartitionInfo p : probe.status(peer.getAddress(), false).getPartitionsList()) {
                    if (p.getFsId() == fsId) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
