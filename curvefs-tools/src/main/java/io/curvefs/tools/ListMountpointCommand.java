package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.Mountpoint;
import picocli.CommandLine.Command;

/** Lists where each file system is mounted, in the host:port:path form umount-fs takes. */
@Command(name = "list-mountpoint", description = "list mount points of all file systems")
final class ListMountpointCommand extends ListingCommand {
    @Override
    int run(MdsClient mds) {
        JsonArray array = new JsonArray();
        Table table = new Table("FSNAME", "MOUNTPOINT", "CTO");
        for (FsInfo fs : mds.listFs(name())) {
            for (Mountpoint m : fs.getMountpointsList()) {
                JsonObject o = JsonOut.of(m);
                o.addProperty("fsName", fs.getFsName());
                o.addProperty("mountpoint", MountpointArg.format(m));
                array.add(o);
                table.row(fs.getFsName(), MountpointArg.format(m), m.getCto());
            }
        }
        if (json()) {
            JsonObject root = new JsonObject();
            root.add("mountpoints", array);
            JsonOut.print(out(), root);
        } else {
            table.print(out());
        }
        return 0;
    }
}
