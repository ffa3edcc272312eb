package io.curvefs.metaserver.heartbeat;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.MetaserverConfig;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Registers the metaserver with the MDS under its listen ip:port. A metaserver that registered before
 * presents the persisted id and token. Waits while the MDS cannot be reached.
 */
public final class MdsRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(MdsRegistration.class);
    /** One attempt (with the channel's own retries) per period; a line is logged after each failed one. */
    private static final RetryPolicy ATTEMPT = RetryPolicy.DEFAULT.withDeadline(10_000);
    private static final long NOT_ACCEPTED_PAUSE_MS = 1_000;
    private static final Set<StatusCode> FATAL = EnumSet.of(StatusCode.TOKEN_MISMATCH,
            StatusCode.METASERVER_NOT_REGISTERED, StatusCode.ALREADY_EXISTS, StatusCode.UNAUTHENTICATED);

    private final LeaderChannel mds;
    private final MetaserverConfig config;

    public MdsRegistration(LeaderChannel mds, MetaserverConfig config) {
        this.mds = mds;
        this.config = config;
    }

    /** Returns the identity (persisted before returning) once the MDS accepted this metaserver. */
    public MetaserverIdentity register() throws RegistrationRefusedException, InterruptedException {
        Optional<MetaserverIdentity> known = MetaserverIdentity.load(config.dataDir());
        RegisterMetaServerRequest.Builder request = RegisterMetaServerRequest.newBuilder()
                .setHostname(config.hostname())
                .setInternalIp(config.listenIp()).setInternalPort(config.listenPort())
                .setExternalIp(config.listenIp()).setExternalPort(config.listenPort());
        known.ifPresent(id -> request.setMetaserverId(id.metaserverId()).setToken(id.token()));
        RegisterMetaServerRequest registration = request.build();
        while (true) {
            try {
                RegisterMetaServerResponse response = mds.call(registration, ATTEMPT);
                StatusCode code = response.getStatus().getCode();
                if (code == StatusCode.OK) {
                    MetaserverIdentity identity = new MetaserverIdentity(response.getMetaserverId(), response.getToken());
                    if (!known.equals(Optional.of(identity))) {
                        identity.save(config.dataDir());
                    }
                    LOG.info("registered with the MDS as metaserver {}", identity.metaserverId());
                    return identity;
                }
                if (FATAL.contains(code)) {
                    throw new RegistrationRefusedException("MDS refused registration of " + config.listenAddr()
                            + ": " + code + " " + response.getStatus().getMessage());
                }
                LOG.warn("registration not accepted yet: {} {}", code, response.getStatus().getMessage());
                Thread.sleep(NOT_ACCEPTED_PAUSE_MS);
            } catch (RpcException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("registration interrupted");
                }
                LOG.warn("MDS {} unreachable, retrying registration: {}", mds.peers(), e.getMessage());
            }
        }
    }
}
