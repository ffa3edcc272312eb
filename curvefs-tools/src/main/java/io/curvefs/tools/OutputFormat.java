package io.curvefs.tools;

/** Tables for people, JSON for scripts. */
enum OutputFormat {
    TABLE, JSON
}
