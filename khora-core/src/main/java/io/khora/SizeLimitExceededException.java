package io.khora;


/**
 * An entry or a message is larger than a configured limit ({@code max-entry-size},
 * {@code max-frame-size}); the message names what, its size and the limit. Thrown at once, never
 * retried: the operation was <b>not applied</b>. Make the entry smaller, split the request (fewer
 * entries per transaction), or raise the limit on the client and on the nodes alike.
 */
public class SizeLimitExceededException extends SpaceException {
    private final long size;
    private final long limit;

    /** With {@code message}, the offending {@code size} and the {@code limit} it exceeds, both in bytes. */
    public SizeLimitExceededException(String message, long size, long limit) {
        super(message);
        this.size = size;
        this.limit = limit;
    }

    /** The size in bytes that was refused. */
    public long size() {
        return size;
    }

    /** The limit in bytes it exceeds. */
    public long limit() {
        return limit;
    }
}
