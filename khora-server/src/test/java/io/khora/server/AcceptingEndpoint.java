package io.khora.server;

import io.khora.persistence.SpaceSynchronizationEndpoint;

/** A mirror endpoint (for {@code --endpoint-class}) that accepts every batch and stores nothing. */
public final class AcceptingEndpoint extends SpaceSynchronizationEndpoint {
}
