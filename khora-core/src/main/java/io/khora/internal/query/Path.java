package io.khora.internal.query;

import java.util.List;

/**
 * A property path as written: {@code price} or {@code address.city}, with the offset of each
 * segment in the query text.
 */
record Path(List<String> segments, List<Integer> positions) {
    Path {
        segments = List.copyOf(segments);
        positions = List.copyOf(positions);
        if (segments.isEmpty() || segments.size() != positions.size()) {
            throw new IllegalArgumentException("a path needs one position per segment");
        }
    }

    /** The offset of the path's first segment. */
    int position() {
        return positions.get(0);
    }

    /** Whether the path has more than one segment. */
    boolean isNested() {
        return segments.size() > 1;
    }

    /** The path as written, segments joined by dots. */
    String dotted() {
        return String.join(".", segments);
    }

    @Override
    public String toString() {
        return dotted();
    }
}
