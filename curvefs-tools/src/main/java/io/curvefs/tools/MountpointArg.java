package io.curvefs.tools;

import io.curvefs.proto.mds.Mountpoint;

/** A mount point as the tool writes and reads it: {@code host:port:/path}. */
final class MountpointArg {
    private MountpointArg() {
    }

    static Mountpoint parse(String text) {
        String[] parts = text.split(":", 3);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[2].startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' is not host:port:/path");
        }
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + parts[1] + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " is out of range");
        }
        return Mountpoint.newBuilder().setHostname(parts[0]).setPort(port).setPath(parts[2]).build();
    }

    static String format(Mountpoint m) {
        return m.getHostname() + ":" + m.getPort() + ":" + m.getPath();
    }
}
