package io.curvefs.common.raft;

import io.curvefs.common.conf.Config;

/** Raft knobs shared by the MDS group and the copysets, read from the process's config. */
public record RaftSettings(int electionTimeoutMs, int snapshotIntervalSecs, boolean sync) {
    public static RaftSettings from(Config conf, String prefix) {
        return new RaftSettings(
                conf.getInt(prefix + "raft.electionTimeoutMs", 1000, 100, 60_000),
                conf.getInt(prefix + "raft.snapshotIntervalSec", 600, 1, 86_400 * 7),
                conf.getBoolean(prefix + "raft.sync", true));
    }
}
