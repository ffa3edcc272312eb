package io.curvefs.tests.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout whose bin/ scripts and conf/ templates the harness uses. */
final class RepoRoot {
    static final String PROPERTY = "curvefs.home";

    private RepoRoot() {
    }

    /**
     * The directory named by -Dcurvefs.home (the tests pom sets it), else the nearest directory at or above the
     * working directory whose pom.xml lists the tests module (an IDE run).
     */
    static Path find() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>tests</module>")) {
                    return dir;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + pom, e);
            }
        }
        throw new IllegalStateException("cannot find the CurveFS/J checkout above " + Path.of("").toAbsolutePath()
                + "; set -D" + PROPERTY);
    }
}
