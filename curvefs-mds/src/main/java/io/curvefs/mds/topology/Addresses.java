package io.curvefs.mds.topology;

import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.ServerInfo;

/** The "ip:port" forms the cluster uses to name servers and metaservers. */
public final class Addresses {
    private Addresses() {
    }

    public static String of(String ip, int port) {
        return ip + ":" + port;
    }

    /** The address a metaserver listens on (its raft and service endpoint). */
    public static String of(MetaServerInfo ms) {
        return of(ms.getInternalIp(), ms.getInternalPort());
    }

    public static String of(ServerInfo s) {
        return of(s.getInternalIp(), s.getInternalPort());
    }
}
