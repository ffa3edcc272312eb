package io.curvefs.metaserver.storage;

import io.curvefs.proto.metaserver.PendingObjects;

/** One key of a partition's pending deletions, with the objects it names. */
public record PendingDelete(long deleteAfterMs, long raftIndex, PendingObjects objects) {
}
