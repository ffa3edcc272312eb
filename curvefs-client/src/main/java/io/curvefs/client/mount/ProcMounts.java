package io.curvefs.client.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's mount table, to tell whether something is mounted at a path right now. */
public final class ProcMounts {
    private static final Path TABLE = Path.of("/proc/mounts");

    private ProcMounts() {
    }

    /** True when the path is a mount point (the path as the table shows it: absolute, normalised). */
    public static boolean isMountPoint(Path path) {
        String field = " " + path.toAbsolutePath().normalize() + " ";
        try {
            return Files.readAllLines(TABLE).stream().anyMatch(line -> line.contains(field));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
    }
}
