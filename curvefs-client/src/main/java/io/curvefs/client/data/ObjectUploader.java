package io.curvefs.client.data;

import io.curvefs.common.s3.S3ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * PUTs the objects of a flush in parallel on the mount's bounded upload pool and reports success only
 * when every one is stored. After the first failure the uploads not yet started are skipped; the call
 * still waits for the running ones (each bounded by the deadline), because they stream from buffer
 * pages that must not be recycled under them.
 */
final class ObjectUploader {
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final S3ObjectStore store;
    private final ExecutorService executor;

    ObjectUploader(S3ObjectStore store, ExecutorService executor) {
        this.store = store;
        this.executor = executor;
    }

    void uploadAll(List<FlushPlan.Upload> uploads, long deadline) throws IOException {
        AtomicBoolean failed = new AtomicBoolean();
        List<CompletableFuture<Void>> running = new ArrayList<>(uploads.size());
        for (FlushPlan.Upload u : uploads) {
            running.add(CompletableFuture.runAsync(() -> {
                if (failed.get()) {
                    return;              // the flush fails anyway: do not spend the deadline on it
                }
                try {
                    store.put(u.name(), u::newStream, u.length(), deadline);
                } catch (IOException e) {
                    failed.set(true);
                    throw new UncheckedIOException(e);
                }
            }, executor));
        }
        IOException failure = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()) + SLACK_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.set(true);
                failure = new InterruptedIOException("interrupted while uploading");
                break;
            } catch (TimeoutException e) {
                failed.set(true);
                failure = new IOException("upload did not finish within its deadline");
                break;
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = BlockCache.unwrap(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
