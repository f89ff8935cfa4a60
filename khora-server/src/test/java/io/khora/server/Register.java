package io.khora.server;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

/**
 * A register of the chaos tests: one writer per key writes ever larger values ({@code put(key, n)},
 * n increasing), so a read that returns less than a value acknowledged before it began is stale.
 */
public record Register(@SpaceId String key, @SpaceRouting int routing, long value) {
}
