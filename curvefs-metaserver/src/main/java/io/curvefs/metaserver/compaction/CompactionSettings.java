package io.curvefs.metaserver.compaction;

/**
 * How the metaserver compacts fragmented chunks (keys metaserver.compaction.*).
 *
 * @param intervalMs        pause between two rounds
 * @param fragmentThreshold a chunk with more infos than this is compacted (also one with data past EOF)
 * @param chunksPerRound    at most this many chunks rewritten, and this many pending deletions finished,
 *                          per partition and round, so one round never runs for long
 * @param deleteGraceMs     how long the objects a compaction replaced stay in the bucket, so that a
 *                          reader that cached the old chunk infos before the compaction keeps reading them;
 *                          a reader that finds them gone reloads the infos and reads again
 */
public record CompactionSettings(long intervalMs, int fragmentThreshold, int chunksPerRound, long deleteGraceMs) {
    public CompactionSettings {
        if (intervalMs <= 0 || fragmentThreshold <= 0 || chunksPerRound <= 0 || deleteGraceMs < 0) {
            throw new IllegalArgumentException("interval, threshold and batch must be positive, grace not negative");
        }
    }

    public static CompactionSettings defaults() {
        return new CompactionSettings(5_000, 20, 10, 60_000);
    }
}
