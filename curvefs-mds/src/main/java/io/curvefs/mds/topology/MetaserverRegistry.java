package io.curvefs.mds.topology;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.state.RequestLog;
import io.curvefs.mds.state.Txn;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import io.curvefs.proto.topology.ServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Admits metaservers: one per topology server address. A metaserver gets an id and a secret token once,
 * persists them, and proves its identity with them ever after (registration again, heartbeats).
 */
public final class MetaserverRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(MetaserverRegistry.class);

    private final MdsStore store;
    private final RequestLog requests;
    private final MetaserverLiveness liveness;
    private final SecureRandom random = new SecureRandom();

    public MetaserverRegistry(MdsStore store, RequestLog requests, MetaserverLiveness liveness) {
        this.store = store;
        this.requests = requests;
        this.liveness = liveness;
    }

    public RegisterMetaServerResponse register(RegisterMetaServerRequest req) {
        String address = Addresses.of(req.getInternalIp(), req.getInternalPort());
        // only used when the request registers a new metaserver
        String freshToken = HexFormat.of().formatHex(nextBytes());
        // a retried registration (its answer lost in a leader change) gets the identity it was given
        RegisterMetaServerResponse response = requests.once(req.getHeader(), RegisterMetaServerResponse.parser(),
                txn -> {
                    MetaServerInfo ms = admit(txn, req, address, freshToken);
                    return RegisterMetaServerResponse.newBuilder().setStatus(Statuses.OK)
                            .setMetaserverId(ms.getMetaserverId()).setToken(ms.getToken()).build();
                });
        liveness.seen(response.getMetaserverId(), System.currentTimeMillis());
        return response;
    }

    /** 128 random bits. */
    private byte[] nextBytes() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return b;
    }

    private MetaServerInfo admit(Txn txn, RegisterMetaServerRequest req, String address, String freshToken) {
        ServerInfo server = txn.scan(MdsKeys.SERVERS, ServerInfo.parser()).stream()
                .filter(s -> Addresses.of(s).equals(address)).findFirst()
                .orElseThrow(() -> new RpcException(StatusCode.METASERVER_NOT_REGISTERED,
                        "no server in topology for " + address));
        Optional<MetaServerInfo> atAddress = txn.scan(MdsKeys.METASERVERS, MetaServerInfo.parser()).stream()
                .filter(m -> Addresses.of(m).equals(address)).findFirst();
        if (req.getMetaserverId() != 0) {
            MetaServerInfo known = txn.get(MdsKeys.metaserver(req.getMetaserverId()), MetaServerInfo.parser())
                    .orElseThrow(() -> new RpcException(StatusCode.TOKEN_MISMATCH,
                            "metaserver id " + req.getMetaserverId() + " was never issued by this cluster"));
            if (!known.getToken().equals(req.getToken())) {
                throw new RpcException(StatusCode.TOKEN_MISMATCH,
                        "metaserver " + req.getMetaserverId() + " presented a token the MDS did not issue to it");
            }
            if (!Addresses.of(known).equals(address)) {
                throw new RpcException(StatusCode.TOKEN_MISMATCH, "metaserver " + req.getMetaserverId()
                        + " is registered at " + Addresses.of(known) + ", not " + address);
            }
            return known;
        }
        if (atAddress.isPresent()) {
            throw new RpcException(StatusCode.ALREADY_EXISTS, "metaserver " + atAddress.get().getMetaserverId()
                    + " is already registered at " + address
                    + "; restore that metaserver's data dir (its metaserver.meta) instead of registering anew");
        }
        MetaServerInfo created = MetaServerInfo.newBuilder().setMetaserverId(txn.nextId("metaserver"))
                .setHostname(req.getHostname().isBlank() ? server.getHostname() : req.getHostname())
                .setInternalIp(req.getInternalIp()).setInternalPort(req.getInternalPort())
                .setExternalIp(req.getExternalIp().isBlank() ? req.getInternalIp() : req.getExternalIp())
                .setExternalPort(req.getExternalPort() == 0 ? req.getInternalPort() : req.getExternalPort())
                .setServerId(server.getServerId()).setToken(freshToken).build();
        txn.put(MdsKeys.metaserver(created.getMetaserverId()), created);
        LOG.info("registered metaserver {} at {} (server {})", created.getMetaserverId(), address, server.getHostname());
        return created;
    }

    /** The metaserver with this id if its token and address match, else TOKEN_MISMATCH / METASERVER_NOT_REGISTERED. */
    public MetaServerInfo authenticate(int metaserverId, String token, String address) {
        MetaServerInfo ms = store.get(MdsKeys.metaserver(metaserverId), MetaServerInfo.parser())
                .orElseThrow(() -> new RpcException(StatusCode.METASERVER_NOT_REGISTERED,
                        "metaserver " + metaserverId + " is not registered"));
        if (!ms.getToken().equals(token)) {
            throw new RpcException(StatusCode.TOKEN_MISMATCH,
                    "metaserver " + metaserverId + " presented a token the MDS did not issue to it");
        }
        if (!Addresses.of(ms).equals(address)) {
            throw new RpcException(StatusCode.TOKEN_MISMATCH,
                    "metaserver " + metaserverId + " is registered at " + Addresses.of(ms) + ", not " + address);
        }
        return ms;
    }
}
