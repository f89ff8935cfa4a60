package io.khora.cluster.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Joins the answers a node split into several frames ({@link ProtocolCodec#encodeFrames}): the
 * {@link Status#PART} frames of a request id are kept until the frame that ends the answer, which
 * is then handed on with the whole body. One per connection; frames arrive on its I/O thread.
 */
public final class AnswerParts {
    private final Map<Long, List<byte[]>> pending = new ConcurrentHashMap<>();

    /** The whole response if {@code frame} ends one (most frames do, alone), or null if it is a part to keep. */
    public Response accept(Response frame) {
        if (frame.status() == Status.PART) {
            pending.computeIfAbsent(frame.requestId(), id -> new ArrayList<>()).add(frame.body());
            return null;
        }
        List<byte[]> parts = pending.remove(frame.requestId());
        if (parts == null) {
            return frame;
        }
        long total = frame.body().length;
        for (byte[] p : parts) {
            total += p.length;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("an answer of " + total + " bytes is too large to hold");
        }
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, body, at, p.length);
            at += p.length;
        }
        System.arraycopy(frame.body(), 0, body, at, frame.body().length);
        return new Response(frame.requestId(), frame.status(), body);
    }

    /** Drops the parts kept for {@code requestId} (its answer will not be completed). */
    public void drop(long requestId) {
        pending.remove(requestId);
    }

    /** Drops every part kept (the connection closed). */
    public void clear() {
        pending.clear();
    }
}
