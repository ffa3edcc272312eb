package io.curvefs.common.meta;

import io.curvefs.common.rpc.LeaderChannel;

import java.util.List;

/** Opens a channel to one copyset; lets unit tests build routers without servers. */
@FunctionalInterface
public interface ChannelFactory {
    /** {@code peers} are "ip:port", the presumed leader first. */
    LeaderChannel open(List<String> peers);
}
