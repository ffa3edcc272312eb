package io.curvefs.tests.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesKnownKeysKeepsTheRestAndAppendsNewOnes() throws Exception {
        Path template = dir.resolve("t.conf");
        Files.write(template, List.of("# a=comment", "a=1", "b = 2", "c=3"));
        Path target = dir.resolve("out/x.conf");
        ConfFile.write(template, target, Map.of("b", "20", "d", "4"));
        assertEquals(List.of("# a=comment", "a=1", "b=20", "c=3", "d=4"), Files.readAllLines(target));
    }
}
