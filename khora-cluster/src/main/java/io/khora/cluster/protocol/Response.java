package io.khora.cluster.protocol;

import java.util.Objects;

/**
 * A node's answer to one request: the request's id, the status and the encoded body (read with
 * {@link Responses} by a caller that knows what it asked).
 *
 * @param requestId the id of the request answered
 * @param status the outcome class
 * @param body the encoded body; owned by this response
 */
public record Response(long requestId, Status status, byte[] body) {
    /** Checks the components. */
    public Response {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
    }
}
