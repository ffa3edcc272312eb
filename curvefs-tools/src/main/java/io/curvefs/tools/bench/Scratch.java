package io.curvefs.tools.bench;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a chain's workloads share: their directory, the run's sizes, the cache dropper, the data source,
 * the client process of the mount (if any) and the client's peak memory, which the sequential write
 * measures and a later row reports.
 */
final class Scratch {
    final Path dir;
    final BenchParams params;
    final Caches caches;
    final RandomBytes data;
    final Optional<CurveFuseProcess> client;
    double clientPeakRssMiB = Double.NaN;

    Scratch(Path dir, BenchParams params, Caches caches, RandomBytes data, Optional<CurveFuseProcess> client) {
        this.dir = dir;
        this.params = params;
        this.caches = caches;
        this.data = data;
        this.client = client;
    }
}
