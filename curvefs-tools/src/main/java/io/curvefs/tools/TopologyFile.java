package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.TopologyServerSpec;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses topology.json in the original CurveFS format into one CreateTopologyRequest:
 * <pre>{"pools":[{"name":"pool1","replicasnum":3,"copysetnum":0,"zonenum":3}],
 *  "servers":[{"name":"server0","internalip":"127.0.0.1","internalport":6800,"externalip":"127.0.0.1",
 *              "externalport":6800,"zone":"zone1","pool":"pool1"}],
 *  "npools":1}</pre>
 * ("npools" is optional, as in the original; when present it must match). The parse is strict because a
 * topology mistake is expensive to undo: an unknown key is most likely a typo, so it is an error, and every
 * error names the element and the key.
 */
final class TopologyFile {
    private static final Set<String> TOP_KEYS = Set.of("pools", "servers", "npools");
    private static final Set<String> POOL_KEYS = Set.of("name", "replicasnum", "copysetnum", "zonenum");
    private static final Set<String> SERVER_KEYS = Set.of("name", "internalip", "internalport", "externalip",
            "externalport", "zone", "pool");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private TopologyFile() {
    }

    /** Throws IllegalArgumentException naming the problem. */
    static CreateTopologyRequest parse(String text) {
        JsonObject root = object(StrictJson.parse(text), "the document");
        checkKeys(root, TOP_KEYS, Set.of("pools", "servers"), "the document");
        CreateTopologyRequest.Builder request = CreateTopologyRequest.newBuilder();

        JsonArray pools = array(root.get("pools"), "pools");
        Set<String> poolNames = new HashSet<>();
        for (int i = 0; i < pools.size(); i++) {
            String where = "pools[" + i + "]";
            JsonObject pool = object(pools.get(i), where);
            checkKeys(pool, POOL_KEYS, POOL_KEYS, where);
            String name = name(pool, "name", where);
            if (!poolNames.add(name)) {
                throw new IllegalArgumentException(where + ": duplicate pool name \"" + name + "\"");
            }
            request.addPools(PoolInfo.newBuilder().setName(name)
                    .setReplicaNum(integer(pool, "replicasnum", where, 1, 9))
                    .setCopysetNum(integer(pool, "copysetnum", where, 0, 1_000_000))
                    .setZoneNum(integer(pool, "zonenum", where, 1, 1_000)));
        }
        if (poolNames.isEmpty()) {
            throw new IllegalArgumentException("pools: at least one pool is needed");
        }
        if (root.has("npools") && integer(root, "npools", "the document", 0, Integer.MAX_VALUE) != pools.size()) {
            throw new IllegalArgumentException("npools is " + root.get("npools") + " but pools lists "
                    + pools.size());
        }

        JsonArray servers = array(root.get("servers"), "servers");
        Set<String> serverNames = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            String where = "servers[" + i + "]";
            JsonObject server = object(servers.get(i), where);
            checkKeys(server, SERVER_KEYS, SERVER_KEYS, where);
            TopologyServerSpec spec = TopologyServerSpec.newBuilder()
                    .setName(name(server, "name", where))
                    .setInternalIp(ip(server, "internalip", where))
                    .setInternalPort(integer(server, "internalport", where, 1, 65535))
                    .setExternalIp(ip(server, "externalip", where))
                    .setExternalPort(integer(server, "externalport", where, 1, 65535))
                    .setZone(name(server, "zone", where))
                    .setPool(name(server, "pool", where))
                    .build();
            if (!serverNames.add(spec.getName())) {
                throw new IllegalArgumentException(where + ": duplicate server name \"" + spec.getName() + "\"");
            }
            String address = spec.getInternalIp() + ":" + spec.getInternalPort();
            if (!addresses.add(address)) {
                throw new IllegalArgumentException(where + ": duplicate server address " + address);
            }
            if (!poolNames.contains(spec.getPool())) {
                throw new IllegalArgumentException(where + ": pool \"" + spec.getPool() + "\" is not in pools");
            }
            request.addServers(spec);
        }
        if (serverNames.isEmpty()) {
            throw new IllegalArgumentException("servers: at least one server is needed");
        }
        return request.build();
    }

    private static void checkKeys(JsonObject object, Set<String> allowed, Set<String> required, String where) {
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new IllegalArgumentException(where + ": unknown key \"" + e.getKey() + "\"");
            }
        }
        for (String key : required.stream().sorted().toList()) {
            if (!object.has(key)) {
                throw new IllegalArgumentException(where + ": missing key \"" + key + "\"");
            }
        }
    }

    private static JsonObject object(JsonElement e, String where) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(where + ": expected an object, got " + kind(e));
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonElement e, String where) {
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(where + ": expected an array, got " + kind(e));
        }
        return e.getAsJsonArray();
    }

    private static String name(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + "." + key + ": expected a string, got " + kind(e));
        }
        String s = e.getAsString().trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(where + "." + key + ": must not be empty");
        }
        return s;
    }

    private static String ip(JsonObject o, String key, String where) {
        String s = name(o, key, where);
        if (!IPV4.matcher(s).matches()) {
            throw new IllegalArgumentException(where + "." + key + ": \"" + s + "\" is not an IPv4 address");
        }
        return s;
    }

    private static int integer(JsonObject o, String key, String where, int min, int max) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(where + "." + key + ": expected an integer, got " + kind(e));
        }
        BigDecimal value = e.getAsBigDecimal();
        if (value.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(where + "." + key + ": expected an integer, got " + value);
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(where + "." + key + ": must be in [" + min + ", " + max + "], not "
                    + value.toPlainString());
        }
        return value.intValueExact();
    }

    private static String kind(JsonElement e) {
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
    }
}
