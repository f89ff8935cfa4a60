package io.khora;

import java.util.List;
import java.util.Map;

/** Some entries of a {@code writeMultiple} failed; the others were written. */
public class WriteMultipleException extends SpaceException {
    private final transient Map<Integer, SpaceException> failures;
    private final transient List<LeaseHandle<?>> written;

    /**
     * @param failures index in the input collection → why it failed
     * @param written handles of the entries that were written (null at failed positions)
     */
    public WriteMultipleException(Map<Integer, SpaceException> failures, List<LeaseHandle<?>> written) {
        super(failures.size() + " of " + written.size() + " entries were not written; first: "
                + failures.values().iterator().next().getMessage());
        this.failures = Map.copyOf(failures);
        this.written = java.util.Collections.unmodifiableList(written);
        failures.values().forEach(this::addSuppressed);
    }

    /** Index in the input → cause. */
    public Map<Integer, SpaceException> failures() {
        return failures;
    }

    /** Per input position, the handle of the written entry or null. */
    public List<LeaseHandle<?>> written() {
        return written;
    }
}
