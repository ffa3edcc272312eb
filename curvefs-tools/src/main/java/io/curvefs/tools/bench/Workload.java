package io.curvefs.tools.bench;

/** One row of the report: what is measured, in which unit, and how (the body times itself). */
record Workload(String name, String unit, Body body) {
    @FunctionalInterface
    interface Body {
        /** The figure; preparation and cache dropping happen before the body starts its clock. */
        double run(Scratch scratch) throws Exception;
    }
}
