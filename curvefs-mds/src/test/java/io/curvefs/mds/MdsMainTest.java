package io.curvefs.mds;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process entry point: a bad config is one line on stderr and exit code 2. */
class MdsMainTest {
    private static Process run(Path conf) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MdsMain.class.getName(),
                "--conf", conf.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void badConfigExitsWithCode2AndOneLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("mds.conf");
        Files.writeString(conf, String.join("\n", "cluster.token=t", "mds.listen.addr=127.0.0.1:6700",
                "mds.peers=127.0.0.1:6700", "mds.data.dir=data", "mds.sesion.leaseMs=5"));
        for (Path c : List.of(conf, dir.resolve("missing.conf"))) {
            Process p = run(c);
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exited");
                assertEquals(2, p.exitValue());
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertEquals(1, err.lines().count(), err);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
