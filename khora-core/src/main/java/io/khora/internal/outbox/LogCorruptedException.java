package io.khora.internal.outbox;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A segment log holds damaged data that cannot be explained by a write torn at a crash: a bad
 * record in a segment that is not the last one (data that had been forced to disk), a gap
 * between segments, or a record out of sequence. The message names the file and the offset.
 * Nothing is dropped silently: an operator must look at (and move away or repair) the file.
 */
public final class LogCorruptedException extends IOException {
    private final transient Path file;
    private final long offset;

    /** Damage in {@code file} at byte {@code offset}, with what was found there. */
    public LogCorruptedException(Path file, long offset, String problem) {
        super("segment log corrupted: " + file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset of the damage in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
