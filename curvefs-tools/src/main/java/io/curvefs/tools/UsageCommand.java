package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.topology.MetaServerInfo;
import picocli.CommandLine.Command;

/**
 * Space and object counts: per file system the sums of its partitions' counters (inodes, dentries, bytes of
 * file data), per metaserver the disk it reports in heartbeats.
 */
@Command(name = "usage", description = "inodes, dentries and bytes per file system; disk per metaserver")
final class UsageCommand extends ListingCommand {
    @Override
    int run(MdsClient mds) {
        JsonArray fsArray = new JsonArray();
        Table fsTable = new Table("FSNAME", "ID", "INODES", "DENTRIES", "BYTES");
        for (FsInfo fs : mds.listFs(name())) {
            long inodes = 0;
            long dentries = 0;
            long bytes = 0;
            for (PartitionInfo p : mds.partitionsOf(name(), fs.getFsId())) {
                inodes += p.getInodeCount();
                dentries += p.getDentryCount();
                bytes += p.getBytes();
            }
            JsonObject o = new JsonObject();
            o.addProperty("fsName", fs.getFsName());
            o.addProperty("fsId", fs.getFsId());
            o.addProperty("inodes", inodes);
            o.addProperty("dentries", dentries);
            o.addProperty("bytes", bytes);
            fsArray.add(o);
            fsTable.row(fs.getFsName(), fs.getFsId(), inodes, dentries, bytes);
        }

        JsonArray msArray = new JsonArray();
        Table msTable = new Table("METASERVER", "ADDRESS", "DISK_USED", "DISK_CAPACITY", "USED%");
        for (MetaServerInfo m : mds.topology(name()).getMetaserversList()) {
            JsonObject o = new JsonObject();
            o.addProperty("metaserverId", m.getMetaserverId());
            o.addProperty("address", TopologyView.address(m));
            o.addProperty("diskUsed", m.getDiskUsed());
            o.addProperty("diskCapacity", m.getDiskCapacity());
            msArray.add(o);
            String percent = m.getDiskCapacity() == 0 ? "-"
                    : String.format("%.1f", 100.0 * m.getDiskUsed() / m.getDiskCapacity());
            msTable.row(m.getMetaserverId(), TopologyView.address(m), m.getDiskUsed(), m.getDiskCapacity(), percent);
        }

        if (json()) {
            JsonObject root = new JsonObject();
            root.add("filesystems", fsArray);
            root.add("metaservers", msArray);
            JsonOut.print(out(), root);
        } else {
            fsTable.print(out());
            out().println();
            msTable.print(out());
        }
        return 0;
    }
}
