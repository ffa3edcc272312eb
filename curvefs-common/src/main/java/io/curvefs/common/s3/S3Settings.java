package io.curvefs.common.s3;

import java.time.Duration;

/**
 * How an {@link S3ObjectStore} talks to its endpoint.
 *
 * @param deadline       an operation (all its retries) fails after this
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout  read timeout of one HTTP exchange
 * @param maxConnections HTTP connection pool size
 * @param maxAttempts    attempts per operation (bounded further by the deadline)
 */
public record S3Settings(Duration deadline, Duration connectTimeout, Duration socketTimeout, int maxConnections,
                         int maxAttempts) {
    public S3Settings {
        if (maxConnections <= 0 || maxAttempts <= 0) {
            throw new IllegalArgumentException("connections and attempts must be positive");
        }
    }

    /** For background work (the metaserver's trash, the MDS's delete-fs): a few connections, patient. */
    public static S3Settings background() {
        return new S3Settings(Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(30), 8, 5);
    }
}
