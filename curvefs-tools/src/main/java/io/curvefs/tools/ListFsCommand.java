package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.mds.FsInfo;
import picocli.CommandLine.Command;

import java.util.List;

/** Lists file systems; S3 secret keys are masked. */
@Command(name = "list-fs", description = "list file systems")
final class ListFsCommand extends ListingCommand {
    @Override
    int run(MdsClient mds) {
        List<FsInfo> all = mds.listFs(name()).stream().map(Secrets::masked).toList();
        if (json()) {
            JsonArray array = new JsonArray();
            all.forEach(fs -> array.add(JsonOut.of(fs)));
            JsonObject root = new JsonObject();
            root.add("fsInfos", array);
            JsonOut.print(out(), root);
            return 0;
        }
        Table table = new Table("ID", "NAME", "STATUS", "TYPE", "CAPACITY", "BLOCKSIZE", "S3", "MOUNTS", "OWNER");
        for (FsInfo fs : all) {
            table.row(fs.getFsId(), fs.getFsName(), fs.getStatus(), fs.getFsType(),
                    fs.getCapacity() == 0 ? "unlimited" : fs.getCapacity(), fs.getBlockSize(),
                    fs.hasS3Info() ? fs.getS3Info().getEndpoint() + "/" + fs.getS3Info().getBucket() : "",
                    fs.getMountpointsCount(), fs.getOwner());
        }
        table.print(out());
        return 0;
    }
}
