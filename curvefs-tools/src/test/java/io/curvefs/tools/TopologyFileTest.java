package io.curvefs.tools;

import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.TopologyServerSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyFileTest {
    private static final String POOL = """
            {"name":"pool1","replicasnum":3,"copysetnum":0,"zonenum":3}""";

    private static String server(int i, String zone) {
        return """
                {"name":"server%d","internalip":"127.0.0.1","internalport":%d,"externalip":"127.0.0.1",
                 "externalport":%d,"zone":"%s","pool":"pool1"}""".formatted(i, 6800 + i, 6800 + i, zone);
    }

    private static String file(String pools, String... servers) {
        return "{\"pools\":[" + pools + "],\"servers\":[" + String.join(",", servers) + "]}";
    }

    private static String good() {
        return file(POOL, server(0, "zone1"), server(1, "zone2"), server(2, "zone3"));
    }

    private static void assertRejected(String text, String... expectedInMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopologyFile.parse(text));
        for (String part : expectedInMessage) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void goodFileBecomesOneRequest() {
        CreateTopologyRequest r = TopologyFile.parse(good());
        assertEquals(1, r.getPoolsCount());
        assertEquals("pool1", r.getPools(0).getName());
        assertEquals(3, r.getPools(0).getReplicaNum());
        assertEquals(3, r.getPools(0).getZoneNum());
        assertEquals(3, r.getServersCount());
        TopologyServerSpec s1 = r.getServers(1);
        assertEquals("server1", s1.getName());
        assertEquals("127.0.0.1", s1.getInternalIp());
        assertEquals(6801, s1.getInternalPort());
        assertEquals(6801, s1.getExternalPort());
        assertEquals("zone2", s1.getZone());
        assertEquals("pool1", s1.getPool());
    }

    @Test
    void originalNpoolsKeyIsAcceptedWhenItMatches() {
        String withNpools = good().replaceFirst("\\}$", ",\"npools\":1}");
        assertEquals(1, TopologyFile.parse(withNpools).getPoolsCount());
        assertRejected(good().replaceFirst("\\}$", ",\"npools\":2}"), "npools");
    }

    @Test
    void syntaxErrorsAreRejected() {
        assertRejected("{\"pools\":[", "not valid JSON");
        assertRejected("{'pools':[]}", "not valid JSON");
        assertRejected(good() + " {}", "JSON");
        assertRejected("", "not valid JSON");
    }

    @Test
    void unknownKeysAreRejectedWithTheirPlace() {
        assertRejected(good().replaceFirst("\\{", "{\"pool\":[],"), "unknown key \"pool\"");
        assertRejected(file(POOL.replace("\"zonenum\"", "\"zonenumber\""), server(0, "z")),
                "pools[0]", "unknown key \"zonenumber\"");
        assertRejected(file(POOL, server(0, "z").replace("\"zone\"", "\"zone\":\"z\",\"rack\"")),
                "servers[0]", "unknown key \"rack\"");
    }

    @Test
    void missingKeysAreRejected() {
        assertRejected("{\"pools\":[" + POOL + "]}", "missing key \"servers\"");
        assertRejected(file(POOL.replace(",\"copysetnum\":0", "")), "pools[0]", "missing key \"copysetnum\"");
        assertRejected(file(POOL, server(0, "z").replace(",\"pool\":\"pool1\"", "")),
                "servers[0]", "missing key \"pool\"");
    }

    @Test
    void wrongTypesAreRejected() {
        assertRejected(file(POOL, server(0, "z").replace("\"internalport\":6800", "\"internalport\":\"6800\"")),
                "servers[0].internalport", "expected an integer, got a string");
        assertRejected(file(POOL, server(0, "z").replace("\"internalport\":6800", "\"internalport\":6800.5")),
                "servers[0].internalport", "expected an integer");
        assertRejected(file(POOL.replace("\"name\":\"pool1\"", "\"name\":1")), "pools[0].name", "expected a string");
        assertRejected("{\"pools\":{},\"servers\":[]}", "pools", "expected an array");
        assertRejected(file(POOL, "3"), "servers[0]", "expected an object");
        assertRejected(file(POOL, server(0, "z").replace("\"internalport\":6800", "\"internalport\":70000")),
                "servers[0].internalport", "must be in [1, 65535]");
        assertRejected(file(POOL, server(0, "z").replace("\"internalip\":\"127.0.0.1\"", "\"internalip\":\"host\"")),
                "servers[0].internalip", "not an IPv4 address");
    }

    @Test
    void duplicatesAreRejected() {
        assertRejected(file(POOL, server(0, "zone1"), server(0, "zone2").replace("6800", "6801")),
                "servers[1]", "duplicate server name \"server0\"");
        assertRejected(file(POOL, server(0, "zone1"), server(1, "zone2").replace("6801", "6800")),
                "servers[1]", "duplicate server address 127.0.0.1:6800");
        assertRejected(file(POOL + "," + POOL, server(0, "z")), "pools[1]", "duplicate pool name \"pool1\"");
        assertRejected(file(POOL.replace("\"zonenum\":3", "\"zonenum\":3,\"zonenum\":4"), server(0, "z")),
                "duplicate key \"zonenum\"");
    }

    @Test
    void referencesAndEmptyListsAreChecked() {
        assertRejected(file(POOL, server(0, "z").replace("\"pool\":\"pool1\"", "\"pool\":\"pool9\"")),
                "servers[0]", "pool \"pool9\" is not in pools");
        assertRejected(file(POOL), "at least one server");
        assertRejected(file("", server(0, "z")), "at least one pool");
    }
}
