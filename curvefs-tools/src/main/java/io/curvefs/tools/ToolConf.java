package io.curvefs.tools;

import io.curvefs.common.conf.Config;

import java.nio.file.Path;
import java.util.List;

/** What the tool needs to reach the cluster: the token every RPC carries and the MDS addresses. */
record ToolConf(String clusterToken, List<String> mdsAddrs) {
    static final String ENV_VAR = "CURVEFS_TOOLS_CONF";
    static final String HOME_PROPERTY = "curvefs.home";

    static ToolConf load(Path file) {
        Config config = Config.load(file);
        ToolConf conf = new ToolConf(config.getString("cluster.token"), config.getAddressList("mds.addrs"));
        config.checkNoUnknownKeys();
        return conf;
    }

    /**
     * The file used without --conf: $CURVEFS_TOOLS_CONF, else conf/tools.conf of the installation the bin
     * script names with -Dcurvefs.home, else conf/tools.conf under the working directory.
     */
    static Path defaultPath(String envValue, String home) {
        if (envValue != null && !envValue.isBlank()) {
            return Path.of(envValue);
        }
        Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home);
        return base.resolve("conf").resolve("tools.conf");
    }
}
