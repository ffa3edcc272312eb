package io.curvefs.mds;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MdsConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("cluster.token", "t");
        m.put("mds.listen.addr", "127.0.0.1:6700");
        m.put("mds.peers", "127.0.0.1:6700,127.0.0.1:6701,127.0.0.1:6702");
        m.put("mds.data.dir", "/tmp/mds0");
        return m;
    }

    @Test
    void defaultsMatchTheContract() {
        MdsConfig c = MdsConfig.from(Config.of("mds.conf", minimal()));
        assertEquals(20_000, c.sessionLeaseMs());
        assertEquals(1L << 20, c.idsPerPartition());
        assertEquals(12, c.partitionsAtCreateFs());
        assertEquals(3, c.copysetMinPerFs());
        assertEquals(128, c.copysetMaxPartitions());
    }

    @Test
    void typosAndInconsistenciesAreErrors() {
        Map<String, String> typo = minimal();
        typo.put("mds.sesion.leaseMs", "1000");
        ConfigException e = assertThrows(ConfigException.class, () -> MdsConfig.from(Config.of("mds.conf", typo)));
        assertTrue(e.getMessage().contains("mds.sesion.leaseMs"));

        Map<String, String> notAPeer = minimal();
        notAPeer.put("mds.listen.addr", "127.0.0.1:6799");
        assertThrows(ConfigException.class, () -> MdsConfig.from(Config.of("mds.conf", notAPeer)));
    }
}
