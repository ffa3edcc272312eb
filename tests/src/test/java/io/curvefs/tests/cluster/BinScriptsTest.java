package io.curvefs.tests.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bin/ launchers in an installation whose modules were never packaged: a clear instruction, exit 2. */
class BinScriptsTest {
    @TempDir
    Path install;

    private void copyBin() throws IOException {
        Path source = RepoRoot.find().resolve("bin");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path target = install.resolve("bin").resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void launchersRefuseToRunUnbuiltModules() throws IOException {
        copyBin();
        for (String script : List.of("curvefs-mds", "curvefs-metaserver", "curvefs-tool")) {
            LocalCluster.ToolResult r = CommandRunner.run(List.of(install.resolve("bin").resolve(script).toString(),
                    "--conf", "x.conf"), install.resolve("scratch"), 30);
            assertEquals(2, r.exitCode(), script + ": " + r.stderr());
            assertEquals(script + " is not built: run 'mvn -DskipTests package' in " + install.toRealPath(),
                    r.stderr().strip());
        }
    }

    @Test
    void dispatcherRejectsUnknownCommands() throws IOException {
        copyBin();
        LocalCluster.ToolResult r = CommandRunner.run(List.of(install.resolve("bin/curvefs").toString(), "frobnicate"),
                install.resolve("scratch"), 30);
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().startsWith("curvefs: unknown command 'frobnicate'"), r.stderr());
        assertTrue(r.stderr().contains("cluster"), "usage lists the commands: " + r.stderr());
    }
}
