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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Tells the kernel about names that changed elsewhere, from threads of its own: the kernel handles a
 * name notification inside the write(2), under the directory's lock, which the request that made us
 * learn of the change may be holding (a readdir, a lookup). Sent from a worker before its reply, it
 * would wait for that very reply. Notices nobody waits for go through one queue; a notice a request
 * waits for ({@link #entryChangedNow}) gets a thread of its own, since one queued behind a notice that
 * waits for that same request's directory would wait for the request itself. Attribute-only
 * invalidations take no lock and are sent in place by the worker ({@link Reply#invalidateInode}).
 */
final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final int QUEUE = 65_536;
    private static final int BUFFER = 4096 + Request.NAME_MAX;
    /** Awaited notices at once; each waits at most for one directory's current lock holder. */
    private static final int AWAITED_THREADS = 16;
    private static final long IDLE_SECONDS = 30;

    private final BlockingQueue<ToIntFunction<Reply>> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Thread thread;
    private final ThreadPoolExecutor awaited;
    private final ThreadLocal<Reply> awaitedReply;

    Notifier(FuseDevice device) {
        Reply reply = new Reply(device, BUFFER);
        this.thread = new Thread(() -> run(reply), "fuse-notify");
        thread.setDaemon(true);
        thread.start();
        AtomicInteger threads = new AtomicInteger();
        this.awaited = new ThreadPoolExecutor(0, AWAITED_THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread t = new Thread(task, "fuse-notify-now-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.awaitedReply = ThreadLocal.withInitial(() -> new Reply(device, BUFFER));
    }

    /** The kernel should look {@code name} in {@code parent} up again, some time soon. */
    void entryChanged(long parent, String name) {
        if (!queue.offer(invalidation(parent, name, null))) {
            // the kernel still revalidates after the entry timeout; only the early notice is lost
            LOG.debug("notification queue full, one dropped");
        }
    }

    /**
     * The kernel should look {@code name} in {@code parent} up again, now: completes once it was told.
     * When every awaited thread is busy the notice joins the queue.
     */
    CompletableFuture<Void> entryChangedNow(long parent, String name) {
        CompletableFuture<Void> told = new CompletableFuture<>();
        ToIntFunction<Reply> notice = invalidation(parent, name, told);
        try {
            awaited.execute(() -> send(notice, awaitedReply.get()));
        } catch (RejectedExecutionException busy) {
            if (!queue.offer(notice)) {
                LOG.debug("notification queue full, one dropped");
                told.complete(null);
            }
        }
        return told;
    }

    private static ToIntFunction<Reply> invalidation(long parent, String name, CompletableFuture<Void> told) {
        return r -> {
            try {
                return r.invalidateEntry(parent, name);
            } finally {
                if (told != null) {
                    told.complete(null);
                }
            }
        };
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
            send(notice, reply);
        }
    }

    private static void send(ToIntFunction<Reply> notice, Reply reply) {
        try {
            int errno = notice.applyAsInt(reply);
            if (errno != 0 && errno != LibC.ENOENT) {
                LOG.debug("kernel refused a notification: {}", LibC.INSTANCE.strerror(errno));
            }
        } catch (Throwable t) {
            LOG.warn("sending a notification failed: {}", t.toString());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        awaited.shutdownNow();
    }
}
