package io.curvefs.metaserver;

import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.heartbeat.MetaserverIdentity;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metaserver as a process: exit codes, one-line errors, registration, heartbeats, SIGTERM. */
class MetaserverMainTest {
    private static Process launch(Path conf, Path dir) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcom.google.protobuf.use_unsafe_pre22_gencode=true", "-Xmx256m",
                "-cp", classpath, MetaserverMain.class.getName(), "--conf", conf.toString()));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Path writeConf(Path dir, int mdsPort, String extra) throws Exception {
        Path conf = dir.resolve("metaserver.conf");
        Files.writeString(conf, "cluster.token=" + TestCluster.TOKEN + "\n"
                + "metaserver.listen.addr=127.0.0.1:" + TestCluster.freePort() + "\n"
                + "mds.addrs=127.0.0.1:" + mdsPort + "\n"
                + "metaserver.data.dir=data\n"
                + "metaserver.heartbeat.intervalMs=200\n"
                + "metaserver.raft.sync=false\n" + extra);
        return conf;
    }

    /** Lines the process wrote to stderr that are not log lines. */
    private static List<String> errorLines(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("[") && !l.startsWith("Sofa-Middleware-Log")).toList();
    }

    private static int exitCode(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("process did not exit");
        }
        return p.exitValue();
    }

    @Test
    void badConfigExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        Path conf = writeConf(dir, TestCluster.freePort(), "metaserver.typo=1\n");
        assertEquals(2, exitCode(launch(conf, dir)));
        List<String> errors = errorLines(dir);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("metaserver.typo"), errors.get(0));
    }

    @Test
    void refusedRegistrationExitsOne(@TempDir Path dir) throws Exception {
        int mdsPort = TestCluster.freePort();
        try (FakeMds mds = new FakeMds(mdsPort)) {
            mds.registerReply.set(RegisterMetaServerResponse.newBuilder().setStatus(
                    Statuses.of(StatusCode.METASERVER_NOT_REGISTERED, "no server in topology")).build());
            assertEquals(1, exitCode(launch(writeConf(dir, mdsPort, ""), dir)));
        }
        List<String> errors = errorLines(dir);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("METASERVER_NOT_REGISTERED"), errors.get(0));
    }

    @Test
    void registersHeartbeatsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        int mdsPort = TestCluster.freePort();
        try (FakeMds mds = new FakeMds(mdsPort)) {
            mds.registerReply.set(RegisterMetaServerResponse.newBuilder().setStatus(Statuses.OK)
                    .setMetaserverId(8).setToken("issued").build());
            Process p = launch(writeConf(dir, mdsPort, ""), dir);
            try {
                MetaServerHeartbeatRequest beat = mds.heartbeats.poll(30, TimeUnit.SECONDS);
                assertNotNull(beat, "a heartbeat within 30 s");
                assertEquals(8, beat.getMetaserverId());
                assertEquals("issued", beat.getToken());
                assertEquals(new MetaserverIdentity(8, "issued"), MetaserverIdentity.load(dir.resolve("data")).orElseThrow());
                p.destroy(); // SIGTERM
                assertEquals(143, exitCode(p), "terminated by SIGTERM after the shutdown hook ran");
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
