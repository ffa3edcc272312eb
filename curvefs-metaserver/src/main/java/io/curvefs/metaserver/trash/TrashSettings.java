package io.curvefs.metaserver.trash;

/**
 * How the metaserver empties its partitions' trash.
 *
 * @param retentionSec   how long a deleted file stays in the trash (readable by handles still open on any
 *                       mount) before its objects and inode are reclaimed, unless its fs says otherwise
 * @param scanIntervalMs pause between two reclaim rounds
 * @param perRound       at most this many inodes reclaimed per round, so one round never runs for long
 */
public record TrashSettings(long retentionSec, long scanIntervalMs, int perRound) {
    public TrashSettings {
        if (retentionSec < 0 || scanIntervalMs <= 0 || perRound <= 0) {
            throw new IllegalArgumentException("retention must not be negative, interval and batch must be positive");
        }
    }

    public static TrashSettings defaults() {
        return new TrashSettings(3600, 60_000, 1000);
    }
}
