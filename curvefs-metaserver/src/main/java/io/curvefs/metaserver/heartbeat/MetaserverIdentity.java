package io.curvefs.metaserver.heartbeat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The id and token the MDS issued to this metaserver, kept in {@code <data.dir>/metaserver.meta} so that
 * a restart presents them again.
 */
public record MetaserverIdentity(int metaserverId, String token) {
    public static final String FILE_NAME = "metaserver.meta";

    public static Optional<MetaserverIdentity> load(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new MetaserverIdentity(Integer.parseInt(p.getProperty("metaserver_id", "").trim()),
                    p.getProperty("token", "").trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": corrupt metaserver_id");
        }
    }

    /** Writes a temp file and renames it, so a crash leaves the old or the new identity, never half. */
    public void save(Path dataDir) {
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Properties p = new Properties();
        p.setProperty("metaserver_id", Integer.toString(metaserverId));
        p.setProperty("token", token);
        try {
            Files.createDirectories(dataDir);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "issued by the MDS at registration; do not edit");
            }
            Files.move(tmp, dataDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
