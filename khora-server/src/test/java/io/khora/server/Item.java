package io.khora.server;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

/**
 * What the multi-process tests write: an id unique per writer and sequence ({@code w3-000017}), a
 * routing value that spreads the entries over the partitions, and the writer's identity again in
 * the content, so the checker can tell an entry's content is the one written.
 */
public record Item(@SpaceId String id, @SpaceRouting int routing, int writer, int seq) {
    static String idOf(int writer, int seq) {
        return String.format("w%d-%06d", writer, seq);
    }
}
