package io.curvefs.mds.s3;

import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.common.s3.S3Settings;
import io.curvefs.proto.mds.FsInfo;

import java.io.IOException;
import java.util.List;

/**
 * Deletes every object of a deleted file system: all names under its prefix
 * ({@code {object_prefix}{fsId}_}, see ObjectLayout), whatever wrote them, including objects that no
 * inode referenced any more (a client that crashed between PUT and the chunk info).
 */
public final class FsObjectPurger {
    private final S3Settings settings;

    public FsObjectPurger(S3Settings settings) {
        this.settings = settings;
    }

    /** Answers how many objects it deleted; throws when the object store could not list or delete them all. */
    public int purge(FsInfo fs) throws IOException {
        try (S3ObjectStore store = new S3ObjectStore(fs.getS3Info(), settings)) {
            List<String> names = store.list(new ObjectLayout(fs.getS3Info(), fs.getFsId()).fsPrefix(),
                    store.deadlineFromNow());
            if (!names.isEmpty()) {
                store.delete(names, store.deadlineFromNow());
            }
            return names.size();
        }
    }
}
