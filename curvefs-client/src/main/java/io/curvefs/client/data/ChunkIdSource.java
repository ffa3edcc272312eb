package io.curvefs.client.data;

import java.io.IOException;

/** Cluster-wide increasing chunk ids (the MDS hands them out in batches). */
public interface ChunkIdSource {
    long next() throws IOException;
}
