package io.curvefs.metaserver.copyset;

/** A copyset's identity: its pool and its number within the pool. */
public record CopysetId(int poolId, int copysetId) {
    /** The raft group id, the same on every member. */
    public String groupId() {
        return "cs_" + poolId + "_" + copysetId;
    }

    /** The name of the copyset's directory under {@code <data.dir>/copysets}. */
    public String dirName() {
        return poolId + "_" + copysetId;
    }

    /** The inverse of {@link #dirName()}; null for names that are not copyset dirs. */
    static CopysetId fromDirName(String name) {
        int sep = name.indexOf('_');
        if (sep <= 0) {
            return null;
        }
        try {
            return new CopysetId(Integer.parseInt(name.substring(0, sep)), Integer.parseInt(name.substring(sep + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return poolId + "/" + copysetId;
    }
}
