package io.curvefs.common.meta;

import io.curvefs.proto.metaserver.Dentry;

import java.util.List;

/** One page of a directory listing, sorted by name; resume after the last name while hasMore. */
public record DentryPage(List<Dentry> entries, boolean hasMore) {
}
