package io.curvefs.client.fuse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;
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

    /** The kernel should look {@code name} in {@code parent} up again. */
    void entryChanged(long parent, String name) {
        offer(r -> r.invalidateEntry(parent, name));
    }

    /** {@code name} in {@code parent}, which named {@code child}, is gone. */
    void entryDeleted(long parent, long child, String name) {
        offer(r -> r.deleted(parent, child, name));
    }

    private void offer(ToIntFunction<Reply> notice) {
        if (!queue.offer(notice)) {
            // the kernel still revalidates after the entry timeout; only the early notice is lost
            LOG.debug("notification queue full, one dropped");
        }
    }

    private void run(Reply reply) {
        try {
            while (true) {
                int errno = queue.take().applyAsInt(reply);
                if (errno != 0 && errno != LibC.ENOENT) {
                    LOG.debug("kernel refused a notification: {}", LibC.INSTANCE.strerror(errno));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
