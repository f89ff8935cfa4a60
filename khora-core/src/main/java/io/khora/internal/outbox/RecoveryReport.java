package io.khora.internal.outbox;

import java.nio.file.Path;

/**
 * What {@link SegmentLog#open} found on disk.
 *
 * @param segments       segment files in the log after recovery
 * @param records        records found (and kept)
 * @param firstSequence  the first record's sequence, 0 if there is none
 * @param lastSequence   the last record's sequence, 0 if none was ever written
 * @param truncatedFile  the last segment, if its tail was cut off (a torn write); else null
 * @param truncatedAt    the offset it was cut at, -1 if nothing was cut
 * @param droppedBytes   how many bytes were cut off
 * @param reason         what was found at {@code truncatedAt}, null if nothing was cut
 */
public record RecoveryReport(int segments, long records, long firstSequence, long lastSequence, Path truncatedFile,
                             long truncatedAt, long droppedBytes, String reason) {
    /** Whether recovery cut a torn tail off the last segment. */
    public boolean truncated() {
        return truncatedFile != null;
    }
}
