package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.FsInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Lists the partitions (inode ranges) of one file system or of all of them, with the copyset of each. */
@Command(name = "list-partition", description = "list partitions of a file system (all file systems by default)")
final class ListPartitionCommand extends ListingCommand {
    @Option(names = "--fsname", paramLabel = "NAME")
    String fsName;

    @Override
    int run(MdsClient mds) {
        List<FsInfo> filesystems = fsName == null ? mds.listFs(name()) : List.of(mds.fsByName(name(), fsName));
        List<PartitionInfo> partitions = new ArrayList<>();
        for (FsInfo fs : filesystems) {
            partitions.addAll(mds.partitionsOf(name(), fs.getFsId()));
        }
        if (json()) {
            JsonArray array = new JsonArray();
            partitions.forEach(p -> array.add(JsonOut.of(p)));
            JsonObject root = new JsonObject();
            root.add("partitions", array);
            JsonOut.print(out(), root);
            return 0;
        }
        Table table = new Table("PARTITION", "FS", "POOL", "COPYSET", "START", "END", "STATUS", "INODES",
                "DENTRIES");
        for (PartitionInfo p : partitions) {
            table.row(p.getPartitionId(), p.getFsId(), p.getPoolId(), p.getCopysetId(), p.getStart(), p.getEnd(),
                    p.getStatus(), p.getInodeCount(), p.getDentryCount());
        }
        table.print(out());
        return 0;
    }
}
