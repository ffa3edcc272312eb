package io.curvefs.metaserver.trash;

import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.common.s3.S3Settings;
import io.curvefs.proto.mds.FsInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One object store client per file system whose objects this metaserver deletes or rewrites (trash,
 * compaction), made on first use.
 */
public final class FsObjectStores implements AutoCloseable {
    /** A file system's object store and the naming of its objects. */
    public record FsObjects(S3ObjectStore store, ObjectLayout layout) {
    }

    private final S3Settings settings;
    private final Map<Integer, FsObjects> byFs = new ConcurrentHashMap<>();

    public FsObjectStores(S3Settings settings) {
        this.settings = settings;
    }

    public FsObjects of(FsInfo fs) {
        return byFs.computeIfAbsent(fs.getFsId(), id -> new FsObjects(new S3ObjectStore(fs.getS3Info(), settings),
                new ObjectLayout(fs.getS3Info(), id)));
    }

    @Override
    public void close() {
        byFs.values().forEach(o -> o.store().close());
        byFs.clear();
    }
}
