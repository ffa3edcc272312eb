package io.curvefs.tests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a process's conf file from the shipped conf/ template with some keys replaced: the tests run the
 * key set users get, so a key the servers stop accepting (or start requiring) shows up here first.
 */
final class ConfFile {
    private ConfFile() {
    }

    static void write(Path template, Path target, Map<String, String> values) {
        Map<String, String> pending = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(template)) {
                int eq = line.indexOf('=');
                String key = line.startsWith("#") || eq < 0 ? null : line.substring(0, eq).trim();
                if (key != null && pending.containsKey(key)) {
                    out.add(key + "=" + pending.remove(key));
                } else {
                    out.add(line);
                }
            }
            pending.forEach((k, v) -> out.add(k + "=" + v));
            Files.createDirectories(target.getParent());
            Files.write(target, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " from " + template, e);
        }
    }
}
