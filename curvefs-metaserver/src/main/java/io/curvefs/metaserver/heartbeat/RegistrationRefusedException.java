package io.curvefs.metaserver.heartbeat;

/** The MDS refused this metaserver for good: retrying cannot help, an operator must look. */
public final class RegistrationRefusedException extends Exception {
    public RegistrationRefusedException(String message) {
        super(message);
    }
}
