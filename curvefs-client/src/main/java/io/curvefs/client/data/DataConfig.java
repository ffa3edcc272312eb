package io.curvefs.client.data;

import io.curvefs.common.s3.S3Settings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Tunables of the data path of one mount. {@link #defaults()} gives the shipped values; the client
 * main fills this from client.conf.
 *
 * @param writeBufferBytes   memory for dirty data of all files of the mount (writers wait beyond it)
 * @param writePageBytes     allocation unit of the write buffer; a small random write costs one page
 * @param writeWait          how long a writer waits for buffer space before its write fails (EIO)
 * @param flushInterval      dirty data older than this is flushed by the background flusher
 * @param blockCacheBytes    memory read cache, in bytes
 * @param cacheUnitBytes     granularity of the read caches: a read miss fetches the aligned unit around it
 * @param readAheadBytes     how far ahead of a sequential reader data is prefetched
 * @param diskCacheDir       directory of the local read cache, or null for none
 * @param diskCacheBytes     bound of the local read cache
 * @param uploadThreads      parallel PUTs of the mount
 * @param readThreads        parallel GETs of the mount (foreground and read-ahead)
 * @param flushThreads       files flushed in the background at the same time
 * @param s3Deadline         an S3 operation (all its retries) or a whole flush fails after this
 * @param s3ConnectTimeout   TCP connect timeout
 * @param s3SocketTimeout    read timeout of one HTTP exchange
 * @param s3MaxConnections   HTTP connection pool size
 * @param s3MaxAttempts      attempts per S3 operation (bounded further by s3Deadline)
 */
public record DataConfig(long writeBufferBytes, int writePageBytes, Duration writeWait, Duration flushInterval,
                         long blockCacheBytes, int cacheUnitBytes, long readAheadBytes,
                         Path diskCacheDir, long diskCacheBytes,
                         int uploadThreads, int readThreads, int flushThreads,
                         Duration s3Deadline, Duration s3ConnectTimeout, Duration s3SocketTimeout,
                         int s3MaxConnections, int s3MaxAttempts) {

    public DataConfig {
        if (writePageBytes <= 0 || writeBufferBytes < writePageBytes) {
            throw new IllegalArgumentException("write buffer must hold at least one page");
        }
        if (cacheUnitBytes <= 0 || uploadThreads <= 0 || readThreads <= 0 || flushThreads <= 0 || s3MaxAttempts <= 0) {
            throw new IllegalArgumentException("cache unit, thread counts and attempts must be positive");
        }
        if (s3MaxConnections < uploadThreads + readThreads) {
            // a thread waiting for a pooled connection would eat its deadline for nothing
            throw new IllegalArgumentException("s3MaxConnections must cover uploadThreads + readThreads");
        }
    }

    public static DataConfig defaults() {
        return new DataConfig(256L << 20, 16 << 10, Duration.ofSeconds(60), Duration.ofSeconds(5),
                256L << 20, 256 << 10, 16L << 20,
                null, 10L << 30,
                16, 16, 4,
                Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(5),
                64, 10);
    }

    public DataConfig withWriteBuffer(long bytes, Duration wait) {
        return new DataConfig(bytes, writePageBytes, wait, flushInterval, blockCacheBytes, cacheUnitBytes,
                readAheadBytes, diskCacheDir, diskCacheBytes, uploadThreads, readThreads, flushThreads,
                s3Deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }

    public DataConfig withFlushInterval(Duration interval) {
        return new DataConfig(writeBufferBytes, writePageBytes, writeWait, interval, blockCacheBytes, cacheUnitBytes,
                readAheadBytes, diskCacheDir, diskCacheBytes, uploadThreads, readThreads, flushThreads,
                s3Deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }

    public DataConfig withDiskCache(Path dir, long bytes) {
        return new DataConfig(writeBufferBytes, writePageBytes, writeWait, flushInterval, blockCacheBytes, cacheUnitBytes,
                readAheadBytes, dir, bytes, uploadThreads, readThreads, flushThreads,
                s3Deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }

    public DataConfig withS3Deadline(Duration deadline) {
        return new DataConfig(writeBufferBytes, writePageBytes, writeWait, flushInterval, blockCacheBytes, cacheUnitBytes,
                readAheadBytes, diskCacheDir, diskCacheBytes, uploadThreads, readThreads, flushThreads,
                deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }

    public DataConfig withBlockCache(long bytes) {
        return new DataConfig(writeBufferBytes, writePageBytes, writeWait, flushInterval, bytes, cacheUnitBytes,
                readAheadBytes, diskCacheDir, diskCacheBytes, uploadThreads, readThreads, flushThreads,
                s3Deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }

    /** The object store's share of these settings. */
    public S3Settings s3Settings() {
        return new S3Settings(s3Deadline, s3ConnectTimeout, s3SocketTimeout, s3MaxConnections, s3MaxAttempts);
    }
}
