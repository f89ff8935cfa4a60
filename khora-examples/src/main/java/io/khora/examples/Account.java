package io.khora.examples;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceVersion;

/** An account: a record with optimistic locking. */
public record Account(@SpaceId String id, String owner, long balance, @SpaceVersion long version) {
}
