package io.khora.examples;

import io.khora.annotation.SpaceId;

/** A unit of work handed from producers to consumers through a waiting take. */
public record Job(@SpaceId(autoGenerate = true) String id, String queue, long createdNanos) {
}
