package io.curvefs.tests.mount;

import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a mount test class needs once: the in-JVM S3, a cluster, one file system created with the tool,
 * and a client.conf pointing at it. Everything lives under target/clusters/&lt;class&gt;-&lt;time&gt;,
 * kept after the run for post-mortems.
 */
final class MountCluster implements AutoCloseable {
    final Path workDir;
    final EmbeddedS3 s3;
    final LocalCluster cluster;
    final String fsName;
    final Path clientConf;

    private MountCluster(Path workDir, EmbeddedS3 s3, LocalCluster cluster, String fsName, Path clientConf) {
        this.workDir = workDir;
        this.s3 = s3;
        this.cluster = cluster;
        this.fsName = fsName;
        this.clientConf = clientConf;
    }

    static MountCluster start(Class<?> testClass, String fsName) throws IOException {
        return start(testClass, fsName, LocalCluster.Options.defaults());
    }

    /**
     * With {@code metaserverConf} added to every metaserver's conf file and {@code createFsArgs} to the
     * create-fs command line (e.g. a short trash retention).
     */
    static MountCluster start(Class<?> testClass, String fsName, Map<String, String> metaserverConf,
                              String... createFsArgs) throws IOException {
        LocalCluster.Options d = LocalCluster.Options.defaults();
        return start(testClass, fsName, new LocalCluster.Options(d.mdsCount(), d.metaserverCount(),
                d.idsPerPartition(), d.extraMdsConf(), metaserverConf), createFsArgs);
    }

    static MountCluster start(Class<?> testClass, String fsName, LocalCluster.Options options,
                              String... createFsArgs) throws IOException {
        Path work = Path.of("target", "clusters", testClass.getSimpleName() + "-" + System.currentTimeMillis())
                .toAbsolutePath();
        EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
        LocalCluster cluster = null;
        try {
            cluster = LocalCluster.start(work.resolve("cluster"), options);
            List<String> args = new ArrayList<>(List.of("create-fs", "--fsname", fsName, "--s3-endpoint",
                    s3.endpoint(), "--s3-ak", s3.accessKey(), "--s3-sk", s3.secretKey(), "--s3-bucket", s3.bucket()));
            args.addAll(List.of(createFsArgs));
            var created = cluster.tool(args.toArray(String[]::new));
            assertEquals(0, created.exitCode(), () -> "create-fs failed: " + created.stdout() + created.stderr());
            Path conf = work.resolve("client.conf");
            Files.writeString(conf, "cluster.token=" + cluster.clusterToken() + "\n"
                    + "mds.addrs=" + String.join(",", cluster.mdsAddrs()) + "\n");
            return new MountCluster(work, s3, cluster, fsName, conf);
        } catch (IOException | RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            s3.close();
            throw e;
        }
    }

    /** Mounts the fs at workDir/&lt;name&gt; with its log at workDir/logs/&lt;name&gt;.log. */
    MountedFs mount(String name) throws IOException {
        return mount(name, clientConf);
    }

    /**
     * Like {@link #mount(String)}, with {@code clientConf} (e.g. client.attrTimeoutMs) added to a copy of the
     * shared client.conf, kept as workDir/&lt;name&gt;-client.conf.
     */
    MountedFs mount(String name, Map<String, String> clientConf) throws IOException {
        StringBuilder conf = new StringBuilder(Files.readString(this.clientConf));
        clientConf.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
        return mount(name, Files.writeString(workDir.resolve(name + "-client.conf"), conf));
    }

    private MountedFs mount(String name, Path conf) throws IOException {
        return MountedFs.mount(conf, fsName, workDir.resolve(name), workDir.resolve("logs").resolve(name + ".log"));
    }

    /** Closes each that is not null, in the order given, all of them even when one fails (mounts before their cluster). */
    static void closeInOrder(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static Path repoRoot() {
        String home = System.getProperty("curvefs.home");
        return home == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(home).toAbsolutePath().normalize();
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
