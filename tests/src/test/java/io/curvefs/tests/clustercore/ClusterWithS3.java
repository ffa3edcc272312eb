package io.curvefs.tests.clustercore;

import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;

import java.nio.file.Path;

/** The S3 server and the cluster one test class runs against; closing stops both, the cluster first. */
record ClusterWithS3(EmbeddedS3 s3, LocalCluster cluster) implements AutoCloseable {
    static ClusterWithS3 start(Class<?> testClass) {
        Path dir = ToolChecks.workDir(testClass);
        EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"));
        try {
            return new ClusterWithS3(s3, LocalCluster.start(dir, LocalCluster.Options.defaults()));
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            s3.close();
        }
    }
}
