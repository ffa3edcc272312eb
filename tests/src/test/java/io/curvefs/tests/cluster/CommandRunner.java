package io.curvefs.tests.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one short-lived command with its output captured in files (a pipe could fill up and block it). */
public final class CommandRunner {
    private CommandRunner() {
    }

    public static LocalCluster.ToolResult run(List<String> command, Path scratchDir, long timeoutSecs) {
        Path out = null;
        Path err = null;
        try {
            Files.createDirectories(scratchDir);
            out = Files.createTempFile(scratchDir, "tool-", ".out");
            err = Files.createTempFile(scratchDir, "tool-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // the command line decides everything: no conf or JVM options inherited from the test's environment
            pb.environment().remove("CURVEFS_TOOLS_CONF");
            pb.environment().remove("JAVA_OPTS");
            Process p = pb.start();
            if (!p.waitFor(timeoutSecs, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeoutSecs + " s: " + command);
            }
            return new LocalCluster.ToolResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover scratch file in the test's work dir is harmless
        }
    }
}
