package io.curvefs.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Before a read phase: sync and drop the kernel's page, dentry and inode caches, which only root can
 * do. Without root, reads of data just written may come from memory, and the report says so.
 */
final class Caches {
    private static final Path DROP = Path.of("/proc/sys/vm/drop_caches");
    private static final long SYNC_TIMEOUT_SEC = 300;

    private final boolean canDrop;

    Caches() {
        canDrop = Files.isWritable(DROP);
    }

    boolean canDrop() {
        return canDrop;
    }

    String note() {
        return canDrop ? "before each read phase: sync; echo 3 > " + DROP + " (running as root)"
                : "not root: the kernel's caches cannot be dropped, reads may be served from memory";
    }

    void drop() throws IOException, InterruptedException {
        if (!canDrop) {
            return;
        }
        // drop_caches only drops clean pages: write the dirty ones out first
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (!sync.waitFor(SYNC_TIMEOUT_SEC, TimeUnit.SECONDS)) {
            sync.destroyForcibly();
            throw new IOException("sync did not finish within " + SYNC_TIMEOUT_SEC + " s");
        }
        Files.writeString(DROP, "3");
    }
}
