package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File data through real kernel mounts: content survives an unmount and a remount (issue 3, Show 5's
 * data part), and a second mount of the same fs in another process reads what the first wrote and
 * closed (close-to-open, Show 4).
 */
class MountDataTest {
    private static final long SEED = 20261121L;
    /** Sizes around the interesting boundaries: empty, one byte, a page, one FUSE write, 4 MiB blocks, a 64 MiB chunk. */
    private static final int[] SIZES = {0, 1, 4095, 128 << 10, 5 << 20, 70 << 20};

    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(MountDataTest.class, "datafs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void filesReadBackIdenticalAfterUnmountAndRemount() throws Exception {
        Map<String, String> written = new LinkedHashMap<>();
        Random random = new Random(SEED);
        try (MountedFs fs = env.mount("remount")) {
            Path dir = Files.createDirectories(fs.path().resolve("data"));
            for (int size : SIZES) {
                byte[] content = new byte[size];
                random.nextBytes(content);
                String name = "file-" + size;
                Files.write(dir.resolve(name), content);
                written.put(name, sha256(content));
            }
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
        try (MountedFs fs = env.mount("remount")) {
            Path dir = fs.path().resolve("data");
            for (Map.Entry<String, String> e : written.entrySet()) {
                Path file = dir.resolve(e.getKey());
                byte[] read = Files.readAllBytes(file);
                assertEquals(e.getValue(), sha256(read), () -> e.getKey() + " differs after remount (seed " + SEED + ")");
                assertEquals(read.length, Files.size(file), e.getKey() + " size");
            }
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
    }

    @Test
    void secondMountSeesWhatTheFirstWroteAndClosed() throws Exception {
        byte[] content = new byte[3 << 20];
        new Random(SEED + 1).nextBytes(content);
        try (MountedFs a = env.mount("first"); MountedFs b = env.mount("second")) {
            Path onA = a.path().resolve("shared.bin");
            Files.write(onA, content);
            assertArrayEquals(content, Files.readAllBytes(b.path().resolve("shared.bin")),
                    "the second mount reads what the first wrote and closed");

            byte[] rewritten = new byte[1000];
            new Random(SEED + 2).nextBytes(rewritten);
            Files.write(onA, rewritten);
            assertArrayEquals(rewritten, Files.readAllBytes(b.path().resolve("shared.bin")),
                    "after an overwrite and close on the first mount, open on the second sees the new content");

            Files.move(onA, a.path().resolve("moved.bin"));
            assertTrue(Waiting.until(() -> Files.exists(b.path().resolve("moved.bin"))
                            && !Files.exists(b.path().resolve("shared.bin"))),
                    "the second mount sees the rename once its cached entries expire");
            Files.delete(a.path().resolve("moved.bin"));
            assertTrue(Waiting.until(() -> !Files.exists(b.path().resolve("moved.bin"))),
                    "the second mount sees the unlink once its cached entries expire");
            assertFalse(Files.exists(a.path().resolve("moved.bin")));
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
