package io.curvefs.client.fuse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.ToIntFunction;

/**
 * Tells the kernel about names that changed elsewhere, from a thread of its own: the kernel handles a
 * name notification inside the write(2), under the directory's lock, which the request that made us
 * learn of the change may be holding (a readdir, a lookup). Sent from a worker before its reply, it
 * would wait for that very reply. Attribute-only invalidations take no lock and are sent in place by
 * the worker ({@link Reply#invalidateInode}).
 */
final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final int QUEUE = 65_536;
    private static final int BUFFER = 4096 + Request.NAME_MAX;

    private final BlockingQueue<ToIntFunction<Reply>> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Thread thread;

    Notifier(FuseDevice device) {
        Reply reply = new Reply(device, BUFFER);
        this.thread = new Thread(() -> run(reply), "fuse-notify");
        thread.setDaemon(true);
        thread.start();
    }

    /** The kernel should look {@code name} in {@code parent} up again; completes once it was told. */
    CompletableFuture<Void> entryChanged(long parent, String name) {
        CompletableFuture<Void> told = new CompletableFuture<>();
        boolean queued = queue.offer(r -> {
            try {
                return r.invalidateEntry(parent, name);
            } finally {
                told.complete(null);
            }
        });
        if (!queued) {
            // the kernel still revalidates after the entry timeout; only the early notice is lost
            LOG.debug("notification queue full, one dropped");
            told.complete(null);
        }
        return told;
    }

    /**
     * Waits, at most {@code maxMillis}, for notices to reach the kernel. Bounded: a notice waits for the
     * directory's lock, which a request that waits for us may hold.
     */
    static void awaitBriefly(List<CompletableFuture<Void>> notices, long maxMillis) {
        if (notices.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(notices.toArray(CompletableFuture[]::new)).get(maxMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debug("notices still queued after {} ms", maxMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Reply reply) {
        while (true) {
            ToIntFunction<Reply> notice;
            try {
                notice = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                int errno = notice.applyAsInt(reply);
                if (errno != 0 && errno != LibC.ENOENT) {
                    LOG.debug("kernel refused a notification: {}", LibC.INSTANCE.strerror(errno));
                }
            } catch (Throwable t) {
                LOG.warn("sending a notification failed: {}", t.toString());
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
