package io.curvefs.tools;

import io.curvefs.proto.mds.Mountpoint;
import io.curvefs.proto.mds.UmountFsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Removes a mount record, e.g. of a client that died without unmounting. */
@Command(name = "umount-fs", description = "remove a mount point of a file system from the cluster")
final class UmountFsCommand extends MdsCommand {
    @Option(names = "--fsname", required = true, paramLabel = "NAME")
    String fsName;

    @Option(names = "--mountpoint", required = true, paramLabel = "HOST:PORT:PATH")
    String mountpoint;

    private Mountpoint parsed;

    @Override
    void checkArguments() {
        try {
            parsed = MountpointArg.parse(mountpoint);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage(name() + ": --mountpoint " + e.getMessage());
        }
    }

    @Override
    int run(MdsClient mds) {
        mds.call(name(), UmountFsRequest.newBuilder().setFsName(fsName).setMountpoint(parsed).build());
        out().printf("fs %s unmounted from %s%n", fsName, MountpointArg.format(parsed));
        return 0;
    }
}
