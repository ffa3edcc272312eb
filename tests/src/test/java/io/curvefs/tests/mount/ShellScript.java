package io.curvefs.tests.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bash script with a directory as $1, for tests that compare what a script prints on a mount with
 * what it prints on a local directory. Output goes to a file (kept for post-mortems; a pipe could fill up).
 */
final class ShellScript {
    private ShellScript() {
    }

    /** stdout and stderr, interleaved, then a last line "exit=N". */
    static String run(String script, Path dir, Path out, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script, "script", dir.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("script did not finish within " + timeout.toSeconds() + " s in " + dir
                    + "; output so far:\n" + Files.readString(out));
        }
        return Files.readString(out, StandardCharsets.UTF_8) + "exit=" + p.exitValue() + "\n";
    }
}
