package io.curvefs.tools;

import io.curvefs.proto.common.FsType;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.CreateFsResponse;
import io.curvefs.proto.mds.FsInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates an S3-backed file system; the same name with the same parameters again succeeds. */
@Command(name = "create-fs", description = "create a file system (S3 data)")
final class CreateFsCommand extends MdsCommand {
    @Option(names = "--fsname", required = true, paramLabel = "NAME")
    String fsName;

    @Option(names = "--fstype", defaultValue = "s3", paramLabel = "TYPE", description = "only s3 for now")
    String fsType;

    @Option(names = "--s3-endpoint", required = true, paramLabel = "URL")
    String endpoint;

    @Option(names = "--s3-ak", required = true, paramLabel = "ACCESS_KEY")
    String accessKey;

    @Option(names = "--s3-sk", required = true, paramLabel = "SECRET_KEY")
    String secretKey;

    @Option(names = "--s3-bucket", required = true, paramLabel = "BUCKET")
    String bucket;

    @Option(names = "--s3-region", defaultValue = "us-east-1", paramLabel = "REGION")
    String region;

    @Option(names = "--s3-blocksize", defaultValue = "4MiB", converter = SizeConverter.class,
            paramLabel = "SIZE", description = "bytes per S3 object (default 4MiB)")
    long s3BlockSize;

    @Option(names = "--s3-chunksize", defaultValue = "64MiB", converter = SizeConverter.class,
            paramLabel = "SIZE", description = "bytes per chunk (default 64MiB)")
    long s3ChunkSize;

    @Option(names = "--blocksize", defaultValue = "1MiB", converter = SizeConverter.class,
            paramLabel = "SIZE", description = "file system block size (default 1MiB)")
    long blockSize;

    @Option(names = "--capacity", defaultValue = "0", converter = SizeConverter.class,
            paramLabel = "SIZE", description = "quota in bytes, 0 = unlimited (default)")
    long capacity;

    @Option(names = "--recycle-hours", defaultValue = "0", paramLabel = "N",
            description = "keep deleted files this many hours in the recycle bin (default 0 = off)")
    int recycleHours;

    @Option(names = "--trash-retention-sec", paramLabel = "N",
            description = "keep deleted files' data this many seconds before reclaiming it (default: the metaservers' metaserver.trash.retentionSec)")
    Integer trashRetentionSec;

    @Option(names = "--owner", defaultValue = "anonymous", paramLabel = "NAME")
    String owner;

    @Override
    void checkArguments() {
        if (!"s3".equalsIgnoreCase(fsType)) {
            throw ToolException.usage(name() + ": --fstype " + fsType + " is not supported (only s3)");
        }
        if (recycleHours < 0) {
            throw ToolException.usage(name() + ": --recycle-hours must not be negative");
        }
        if (trashRetentionSec != null && trashRetentionSec < 0) {
            throw ToolException.usage(name() + ": --trash-retention-sec must not be negative");
        }
    }

    @Override
    int run(MdsClient mds) {
        CreateFsRequest.Builder request = CreateFsRequest.newBuilder()
                .setFsName(fsName)
                .setFsType(FsType.TYPE_S3)
                .setBlockSize(blockSize)
                .setCapacity(capacity)
                .setOwner(owner)
                .setRecycleHours(recycleHours)
                .setS3Info(S3Info.newBuilder().setEndpoint(endpoint).setAk(accessKey).setSk(secretKey)
                        .setBucket(bucket).setRegion(region).setBlockSize(s3BlockSize).setChunkSize(s3ChunkSize));
        if (trashRetentionSec != null) {
            request.setTrashRetentionSec(trashRetentionSec);
        }
        FsInfo fs = mds.<CreateFsResponse>call(name(), request.build(), MdsClient.MULTI_STEP_POLICY).getFsInfo();
        out().printf("fs %s ready (id %d, status %s)%n", fs.getFsName(), fs.getFsId(), fs.getStatus());
        return 0;
    }
}
