package io.curvefs.mds;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code MdsMain --conf FILE}: runs one MDS replica until SIGTERM. */
public final class MdsMain {
    private MdsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--conf")) {
            System.err.println("usage: curvefs-mds --conf FILE");
            System.exit(2);
        }
        MdsConfig config;
        try {
            config = MdsConfig.from(Config.load(Path.of(args[1])));
        } catch (ConfigException e) {
            System.err.println("curvefs-mds: " + e.getMessage());
            System.exit(2);
            return;
        }
        MdsServer server;
        try {
            server = MdsServer.start(config);
        } catch (RuntimeException | Error e) {
            // exit rather than linger with half-started non-daemon threads
            System.err.println("curvefs-mds: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mds-shutdown"));
        stopped.await();
    }
}
