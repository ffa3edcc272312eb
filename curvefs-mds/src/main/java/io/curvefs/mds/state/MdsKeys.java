package io.curvefs.mds.state;

/**
 * The key layout of the MDS store. Keys are ASCII; numeric ids are zero-padded to 10 digits so that a
 * prefix scan returns records in id order.
 * <pre>
 *   pool/&lt;poolId&gt;                    -> topology.PoolInfo
 *   zone/&lt;zoneId&gt;                    -> topology.ZoneInfo
 *   server/&lt;serverId&gt;                -> topology.ServerInfo
 *   metaserver/&lt;metaserverId&gt;        -> topology.MetaServerInfo (with its token)
 *   copyset/&lt;poolId&gt;/&lt;copysetId&gt;     -> topology.CopysetRecord
 *   partition/&lt;partitionId&gt;          -> common.PartitionInfo
 *   fs/id/&lt;fsId&gt;                     -> mds.FsInfo (also DELETING ones, which have no name entry)
 *   fs/name/&lt;fsName&gt;                 -> fs id (8-byte counter encoding)
 *   fs/nextino/&lt;fsId&gt;                -> first inode id of the fs's next partition range
 *   idgen/&lt;kind&gt;                     -> last id handed out for that kind
 *   chunkid                           -> end (exclusive) of the chunk ids reserved by any leader so far
 *   reqlog/&lt;clientId&gt;/&lt;seq&gt;          -> mdsstate.RequestResult (see {@link RequestLog})
 * </pre>
 */
public final class MdsKeys {
    public static final String POOLS = "pool/";
    public static final String ZONES = "zone/";
    public static final String SERVERS = "server/";
    public static final String METASERVERS = "metaserver/";
    public static final String COPYSETS = "copyset/";
    public static final String PARTITIONS = "partition/";
    public static final String FS_BY_ID = "fs/id/";
    public static final String FS_BY_NAME = "fs/name/";
    public static final String FS_NEXT_INODE = "fs/nextino/";
    public static final String ID_GENERATOR = "idgen/";
    public static final String CHUNK_ID_RESERVED = "chunkid";

    private MdsKeys() {
    }

    private static String id(long id) {
        return String.format("%010d", id);
    }

    public static String pool(int id) {
        return POOLS + id(id);
    }

    public static String zone(int id) {
        return ZONES + id(id);
    }

    public static String server(int id) {
        return SERVERS + id(id);
    }

    public static String metaserver(int id) {
        return METASERVERS + id(id);
    }

    public static String copyset(int poolId, int copysetId) {
        return COPYSETS + id(poolId) + "/" + id(copysetId);
    }

    public static String partition(int id) {
        return PARTITIONS + id(id);
    }

    public static String fsById(int id) {
        return FS_BY_ID + id(id);
    }

    public static String fsByName(String name) {
        return FS_BY_NAME + name;
    }

    public static String fsNextInode(int fsId) {
        return FS_NEXT_INODE + id(fsId);
    }

    public static String idGenerator(String kind) {
        return ID_GENERATOR + kind;
    }
}
