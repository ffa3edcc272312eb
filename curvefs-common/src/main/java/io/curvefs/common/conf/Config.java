package io.curvefs.common.conf;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that parses configuration: a {@code key=value} file plus overrides. Every getter
 * validates its value and names the file and key when it refuses one; {@link #checkNoUnknownKeys()}
 * turns a misspelt key into an error instead of a silently ignored setting.
 */
public final class Config {
    private final String source;
    private final Map<String, String> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    private Config(String source, Map<String, String> values) {
        this.source = source;
        this.values = values;
    }

    public static Config load(Path file) {
        return load(file, Map.of());
    }

    /** Loads {@code file}; {@code overrides} (from the command line) win over the file. */
    public static Config load(Path file, Map<String, String> overrides) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such config file");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        props.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        values.putAll(overrides);
        return new Config(file.toString(), values);
    }

    public static Config of(String source, Map<String, String> values) {
        return new Config(source, new TreeMap<>(values));
    }

    public String source() {
        return source;
    }

    public boolean has(String key) {
        read.add(key);
        String v = values.get(key);
        return v != null && !v.isEmpty();
    }

    public String getString(String key) {
        read.add(key);
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(source + ": missing key " + key);
        }
        return v;
    }

    public String getString(String key, String defaultValue) {
        return has(key) ? values.get(key) : defaultValue;
    }

    public long getLong(String key, long min, long max) {
        return parseLong(key, getString(key), min, max);
    }

    public long getLong(String key, long defaultValue, long min, long max) {
        return has(key) ? parseLong(key, values.get(key), min, max) : defaultValue;
    }

    public int getInt(String key, int min, int max) {
        return (int) getLong(key, min, max);
    }

    public int getInt(String key, int defaultValue, int min, int max) {
        return (int) getLong(key, defaultValue, min, max);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        String v = values.get(key).toLowerCase();
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(source + ": " + key + " must be true or false, not '" + values.get(key) + "'");
    }

    /** A comma-separated list of {@code host:port} addresses. */
    public List<String> getAddressList(String key) {
        List<String> out = new ArrayList<>();
        for (String part : getString(key).split(",")) {
            String a = part.trim();
            if (!a.isEmpty()) {
                checkAddress(key, a);
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(source + ": " + key + " lists no address");
        }
        return out;
    }

    public String getAddress(String key) {
        String a = getString(key);
        checkAddress(key, a);
        return a;
    }

    /** A path; a relative one is taken relative to the directory of the config file. */
    public Path getPath(String key) {
        Path p = Path.of(getString(key));
        if (p.isAbsolute()) {
            return p;
        }
        Path base = Path.of(source).toAbsolutePath().getParent();
        return (base == null ? p : base.resolve(p)).normalize();
    }

    /** Fails on keys that no getter asked for: most likely typos. */
    public void checkNoUnknownKeys() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new ConfigException(source + ": unknown key(s) " + unknown);
        }
    }

    private void checkAddress(String key, String address) {
        int colon = address.lastIndexOf(':');
        boolean ok = colon > 0;
        if (ok) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                ok = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new ConfigException(source + ": " + key + " has '" + address + "', expected ip:port");
        }
    }

    private long parseLong(String key, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(source + ": " + key + " must be an integer, not '" + value + "'");
        }
        if (v < min || v > max) {
            throw new ConfigException(source + ": " + key + " must be in [" + min + ", " + max + "], not " + v);
        }
        return v;
    }

    /** Parses {@code --set key=value} style overrides. */
    public static Map<String, String> parseOverrides(String... assignments) {
        Map<String, String> out = new TreeMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("override '" + a + "' is not key=value");
            }
            out.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return out;
    }

    @Override
    public String toString() {
        return source + Arrays.toString(values.keySet().toArray());
    }
}
