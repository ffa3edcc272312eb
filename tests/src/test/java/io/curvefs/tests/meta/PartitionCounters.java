package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.PartitionRouter;
import io.curvefs.common.meta.Route;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.GetPartitionRequest;
import io.curvefs.proto.metaserver.GetPartitionResponse;

/** A file system's partition records as their metaservers hold them (GetPartition on each copyset). */
final class PartitionCounters {
    /** Sums over every partition of the fs. */
    record Totals(long inodes, long dentries, long bytes) {
        Totals plus(long moreInodes, long moreDentries, long moreBytes) {
            return new Totals(inodes + moreInodes, dentries + moreDentries, bytes + moreBytes);
        }
    }

    private PartitionCounters() {
    }

    static PartitionInfo read(MetaClient meta, int partitionId) {
        Route route = meta.router().partition(partitionId);
        PartitionInfo p = route.partition();
        GetPartitionResponse resp = Statuses.requireOk(route.channel().call(GetPartitionRequest.newBuilder()
                .setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId()).setPartitionId(partitionId).build()));
        return resp.getPartition();
    }

    /** Reloads the partition list first, so partitions created since the last load are counted too. */
    static Totals totals(MetaClient meta) {
        PartitionRouter router = meta.router();
        router.refresh(router.version());
        long inodes = 0;
        long dentries = 0;
        long bytes = 0;
        for (Route route : router.routes()) {
            PartitionInfo p = read(meta, route.partitionId());
            inodes += p.getInodeCount();
            dentries += p.getDentryCount();
            bytes += p.getBytes();
        }
        return new Totals(inodes, dentries, bytes);
    }
}
