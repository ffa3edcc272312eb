package io.curvefs.mds.topology;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.TopologyServerSpec;

/** Checks a create-topology request on its own, before it is compared with the cluster. */
final class TopologyRequestCheck {
    /** Copysets always have 3 replicas in 3 distinct zones. */
    static final int REPLICAS = 3;

    private TopologyRequestCheck() {
    }

    static void check(CreateTopologyRequest req) {
        if (req.getPoolsCount() == 0 && req.getServersCount() == 0) {
            throw invalid("the topology names no pool and no server");
        }
        for (PoolInfo p : req.getPoolsList()) {
            if (p.getName().isBlank()) {
                throw invalid("a pool has no name");
            }
            if (p.getReplicaNum() != REPLICAS) {
                throw invalid("pool " + p.getName() + ": replicasnum is " + p.getReplicaNum() + ", must be " + REPLICAS);
            }
            if (p.getZoneNum() < p.getReplicaNum()) {
                throw invalid("pool " + p.getName() + ": zonenum " + p.getZoneNum() + " is less than replicasnum "
                        + p.getReplicaNum());
            }
        }
        for (TopologyServerSpec s : req.getServersList()) {
            String name = s.getName().isBlank() ? "(unnamed)" : s.getName();
            if (s.getName().isBlank()) {
                throw invalid("a server has no name");
            }
            if (s.getInternalIp().isBlank()) {
                throw invalid("server " + name + ": no internalip");
            }
            if (s.getInternalPort() == 0 || s.getInternalPort() > 65535) {
                throw invalid("server " + name + ": internalport " + s.getInternalPort() + " is not a port");
            }
            if (s.getExternalPort() > 65535) {
                throw invalid("server " + name + ": externalport " + s.getExternalPort() + " is not a port");
            }
            if (s.getZone().isBlank()) {
                throw invalid("server " + name + ": no zone");
            }
            if (s.getPool().isBlank()) {
                throw invalid("server " + name + ": no pool");
            }
        }
    }

    static RpcException invalid(String message) {
        return new RpcException(StatusCode.TOPOLOGY_INVALID, message);
    }
}
