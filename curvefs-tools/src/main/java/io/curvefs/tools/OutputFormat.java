package io.curvefs.tools;

/** Tables for people, JSON for scripts. */
public enum OutputFormat {
    TABLE, JSON
}
