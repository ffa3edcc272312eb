package io.curvefs.metaserver.copyset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code peers} file of a copyset dir: its initial raft configuration, one "ip:port" per line.
 * Written (atomically) before the group first starts, so a restart rebuilds the same group.
 */
final class PeersFile {
    static final String NAME = "peers";

    private PeersFile() {
    }

    static void write(Path copysetDir, List<String> peers) {
        try {
            Files.createDirectories(copysetDir);
            Path tmp = copysetDir.resolve(NAME + ".tmp");
            Files.writeString(tmp, String.join("\n", peers) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, copysetDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The peers, or an empty list when the dir has no complete peers file. */
    static List<String> read(Path copysetDir) {
        Path file = copysetDir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).split("\n"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
